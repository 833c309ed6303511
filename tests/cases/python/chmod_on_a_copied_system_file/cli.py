#!/usr/bin/env python3
import six
print('cli', six.__version__)
