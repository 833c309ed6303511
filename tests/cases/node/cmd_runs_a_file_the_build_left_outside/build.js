const fs = require('fs');
const out = ['', 'srv', 'gen'].join('/');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(out + '/server.js', 'console.log("generated");\n');
