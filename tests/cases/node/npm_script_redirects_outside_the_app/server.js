const info = require('/srv/build-info.json');
console.log(info.built);
