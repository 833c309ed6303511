import subprocess
print(subprocess.run(['convert', '-version'], capture_output=True, text=True).stdout.split()[0])
