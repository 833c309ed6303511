import os
print(sorted(os.listdir('/opt/data')))
