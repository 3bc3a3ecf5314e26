import math


def circle_area(r: float) -> float:
    """Area of a circle of radius r."""
    ...


# crucible: tests
def test_circle_area():
    assert abs(circle_area(1) - math.pi) < 1e-9
    assert circle_area(0) == 0
