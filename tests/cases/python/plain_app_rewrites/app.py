import json, six
print(json.dumps({'six': six.__version__}))
