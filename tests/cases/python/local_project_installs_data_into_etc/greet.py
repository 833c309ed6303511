import configparser


def main():
    config = configparser.ConfigParser()
    config.read("/etc/greet/greet.ini")
    print(config["greeting"]["text"])
