from setuptools import setup

setup(
    name="shop",
    version="0.1.0",
    packages=["shop"],
    install_requires=["psycopg2==2.9.9"],
)
