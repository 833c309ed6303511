import subprocess
out = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
print("git:", out.stdout.split()[0])
