const { execSync } = require('child_process');
const express = require('express');

// Bring the database up to date before serving: prisma is a devDependency.
execSync('npx prisma migrate deploy', { stdio: 'inherit' });
express().listen(3000);
