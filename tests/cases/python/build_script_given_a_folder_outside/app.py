import os

DATA = os.environ.get("DATA_DIR", "/opt/data")
print(open(os.path.join(DATA, "words.txt")).read().strip())
