import json

print(json.dumps({"greeting": "hello from the build"}))
