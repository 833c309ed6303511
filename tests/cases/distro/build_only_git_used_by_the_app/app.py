import subprocess
print(subprocess.check_output(['git', '--version'], text=True))
