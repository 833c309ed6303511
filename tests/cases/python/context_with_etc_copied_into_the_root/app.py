import configparser

import six

from helpers.greeting import hello

config = configparser.ConfigParser()
config.read("settings.ini")
print(hello(config["app"]["name"]), six.__version__)
