git --version
node server.js
