import os, subprocess
tool = os.environ.get("CONVERTER", "convert")
subprocess.run([tool, "-version"], check=True)
