import json

with open("/etc/greeter.json") as f:
    print(json.load(f)["greeting"])
