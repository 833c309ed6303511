const { PrismaClient } = require('@prisma/client');
new PrismaClient();
