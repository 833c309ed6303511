import os
print(open(os.path.expanduser('~/.config/app/settings.ini')).read().strip())
