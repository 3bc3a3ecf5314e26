def download(*a, **k): raise RuntimeError('no network')
