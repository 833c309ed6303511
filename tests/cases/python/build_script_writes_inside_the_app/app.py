import json
print(json.load(open('generated/info.json')))
