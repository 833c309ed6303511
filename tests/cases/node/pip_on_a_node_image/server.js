require('child_process').execFileSync('python3', ['-c', 'import six']);
