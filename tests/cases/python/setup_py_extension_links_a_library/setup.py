from setuptools import setup, Extension
setup(name='fastxml', version='1.0', ext_modules=[Extension('fastxml', ['fastxml.c'], libraries=['xml2'])])
