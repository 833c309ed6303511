#!/usr/local/bin/python3 -u
import six
print("six", six.__version__)
