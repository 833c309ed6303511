import json
print(json.load(open("version.json")))
