import os
import subprocess

TOOL = os.environ.get('VCS', 'git')
subprocess.run([TOOL, '--version'], check=True)
