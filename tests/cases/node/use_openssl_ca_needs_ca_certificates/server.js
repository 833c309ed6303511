const https = require("https");
https.get("https://registry.npmjs.org/", (res) => console.log(res.statusCode));
