from setuptools import setup

setup(name='myapp', version='1', py_modules=['app'], data_files=[('share/myapp', ['data.txt'])])
