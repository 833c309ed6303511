const express = require('express');
const app = express();
app.use(express.static('/srv/www'));
app.listen(3000);
