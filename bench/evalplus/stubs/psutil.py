# Stand-in for psutil (not installed on this host): evalplus only reads the machine's total memory.
class _VM:
    def __init__(self):
        for l in open('/proc/meminfo'):
            if l.startswith('MemTotal:'):
                self.total = int(l.split()[1]) * 1024
def virtual_memory():
    return _VM()
