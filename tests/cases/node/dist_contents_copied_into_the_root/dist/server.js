console.log('from /server.js');
