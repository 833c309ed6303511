import subprocess
print(subprocess.check_output('ps --version | cut -c1-2', shell=True, text=True).strip())
