const express = require('express');
const path = require('path');

const app = express();
app.use(express.static(path.join(__dirname, 'public')));
// The page links /vendor/css/bootstrap.min.css from the devDependency.
app.use('/vendor', express.static(path.join(__dirname, 'node_modules/bootstrap/dist')));
app.listen(3000);
