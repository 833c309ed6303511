console.log(require('fs').readFileSync('/etc/app/config.json', 'utf8'));
