import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "words.txt"), "w") as f:
    f.write("prepared\n")
