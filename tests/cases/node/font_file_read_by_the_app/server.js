const fs = require('fs');
const font = fs.readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf');
console.log(font.length > 0);
