import bsddb3
print(bsddb3.__version__)
