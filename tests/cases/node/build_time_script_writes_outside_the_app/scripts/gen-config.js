const fs = require('fs');
fs.mkdirSync('/etc/app', { recursive: true });
fs.writeFileSync('/etc/app/config.json', '{"env":"prod"}');
