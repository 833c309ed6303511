const fs = require('fs');
const out = process.argv[2];
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(out + '/server.js', 'console.log("generated");\n');
