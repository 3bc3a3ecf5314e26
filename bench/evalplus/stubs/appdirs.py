# Stand-in for appdirs: where evalplus caches its expected outputs ($EVALPLUS_CACHE, else a temp folder).
import os, tempfile
def user_cache_dir(name):
    return os.path.join(os.environ.get('EVALPLUS_CACHE') or os.path.join(tempfile.gettempdir(), 'evalplus-cache'), name)
