from cffi import FFI
ffi = FFI()
lib = ffi.dlopen('libpq.so.5')
print('libpq loaded')
