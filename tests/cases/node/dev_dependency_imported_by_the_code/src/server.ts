import ms = require("ms");
import ts = require("typescript");

console.log("api up", ms(90000), ts.version);
