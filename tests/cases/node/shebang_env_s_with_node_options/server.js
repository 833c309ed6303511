#!/usr/bin/env -S node --enable-source-maps
console.log('server');
