const os = require('os');
console.log(require('fs').readFileSync(os.homedir() + '/.app-token', 'utf8'));
