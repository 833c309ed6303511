console.log(require('fs').readFileSync('/srv/static/index.html', 'utf8'));
