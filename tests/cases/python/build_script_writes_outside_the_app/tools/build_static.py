import os
os.makedirs('/srv/static', exist_ok=True)
open('/srv/static/index.html', 'w').write('<h1>hi</h1>')
