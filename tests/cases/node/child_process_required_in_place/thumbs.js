// ImageMagick's convert, called with child_process used in place.
const out = require('child_process').execSync('convert -version').toString();
console.log(out.split('\n')[0]);
