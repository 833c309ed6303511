console.log(require('fs').readFileSync(require('os').homedir() + '/.seed', 'utf8'));
