require('express');
console.log('express loaded');
