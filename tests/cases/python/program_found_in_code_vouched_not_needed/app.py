import subprocess
import sys

if '--release' in sys.argv:
    subprocess.run(['git', 'tag', 'v1'], check=True)
print('ok')
