import ctypes
lib = ctypes.CDLL("libmagic.so.1")
print("libmagic loaded", bool(lib))
