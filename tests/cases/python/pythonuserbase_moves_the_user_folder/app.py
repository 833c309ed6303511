import six
print('six from', six.__file__)
