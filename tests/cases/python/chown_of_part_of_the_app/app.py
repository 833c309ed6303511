import json, os, six
owners = {p: os.stat(p).st_uid for p in ['.', 'app.py', 'data', 'data/notes.txt']}
print(json.dumps({'six': six.__version__, 'owners': owners}))
