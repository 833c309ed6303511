module.exports = {
  entry: './src/index.js',
  output: { path: '/srv/www', filename: 'bundle.js' },
};
