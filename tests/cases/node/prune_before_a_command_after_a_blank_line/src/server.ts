import ms = require("ms");

console.log("api up", ms(90000));
