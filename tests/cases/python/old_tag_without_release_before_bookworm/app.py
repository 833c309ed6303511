import OpenSSL

print(OpenSSL.__version__)
