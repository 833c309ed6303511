console.log(require('fs').readFileSync('/etc/app.json', 'utf8'));
