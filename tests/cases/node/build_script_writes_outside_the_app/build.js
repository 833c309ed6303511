const fs = require('fs');
fs.mkdirSync('/srv/static', { recursive: true });
fs.writeFileSync('/srv/static/index.html', '<h1>hi</h1>');
