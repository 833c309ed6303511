import subprocess
print(subprocess.check_output('ps aux | wc -l', shell=True, text=True).strip())
