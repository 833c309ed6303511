const gm = require('gm').subClass({ imageMagick: true });
gm(10, 10, '#fff').toBuffer('PNG', (e) => { if (e) { console.error(e.message); process.exit(1); } console.log('ok'); });
