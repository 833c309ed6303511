require('node-libcurl');
