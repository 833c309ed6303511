import cffi

print(cffi.FFI())
