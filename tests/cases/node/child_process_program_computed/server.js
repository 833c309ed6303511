const { spawnSync } = require('child_process');
spawnSync(process.env.TOOL || 'convert', ['-version'], { stdio: 'inherit' });
