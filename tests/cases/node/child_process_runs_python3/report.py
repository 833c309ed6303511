import json
print(json.dumps({"hello": "docker"}))
