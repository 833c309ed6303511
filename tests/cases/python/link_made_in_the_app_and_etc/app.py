import os
print(os.path.islink('data'))
