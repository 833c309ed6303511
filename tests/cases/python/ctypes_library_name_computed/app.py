import ctypes, os
lib = ctypes.CDLL(os.environ.get("LIB", "libz.so.1"))
print(bool(lib))
