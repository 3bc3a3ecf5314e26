// Standard libraries, known locally (no registry is asked about them). Python: sys.stdlib_module_names of
// CPython 3.11 (it still lists modules removed in 3.12/3.13 — distutils, imp, asynchat — which older code
// imports and no one installs). Node: the core modules of Node 20 (require('node:module').builtinModules).
const words = (s: string) => new Set(s.trim().split(/\s+/));

export const PYTHON_STDLIB: ReadonlySet<string> = words(`
  abc aifc antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect
  builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys compileall
  concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses dataclasses datetime dbm
  decimal difflib dis distutils doctest email encodings ensurepip enum errno faulthandler fcntl filecmp
  fileinput fnmatch fractions ftplib functools gc genericpath getopt getpass gettext glob graphlib grp gzip
  hashlib heapq hmac html http idlelib imaplib imghdr imp importlib inspect io ipaddress itertools json
  keyword lib2to3 linecache locale logging lzma mailbox mailcap marshal math mimetypes mmap modulefinder
  msilib msvcrt multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator optparse os
  ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint
  profile pstats pty pwd py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib
  resource rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtpd smtplib
  sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics string
  stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib tempfile termios
  textwrap this threading time timeit tkinter token tokenize tomllib trace traceback tracemalloc tty turtle
  turtledemo types typing unicodedata unittest urllib uu uuid venv warnings wave weakref webbrowser winreg
  winsound wsgiref xdrlib xml xmlrpc zipapp zipfile zipimport zlib zoneinfo __future__ __main__
`);

/** Top-level names of Node's core modules ("fs" also covers "fs/promises"); any "node:" specifier is core too. */
export const NODE_BUILTINS: ReadonlySet<string> = words(`
  assert async_hooks buffer child_process cluster console constants crypto dgram diagnostics_channel dns
  domain events fs http http2 https inspector module net os path perf_hooks process punycode querystring
  readline repl stream string_decoder sys test timers tls trace_events tty url util v8 vm wasi worker_threads
  zlib
`);
