import os
status = os.system("curl --version > /dev/null")
print("curl status", status)
