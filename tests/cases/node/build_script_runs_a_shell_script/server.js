console.log(require('fs').readFileSync('/opt/assets/a.txt', 'utf8'));
