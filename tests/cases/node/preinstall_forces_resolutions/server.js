const args = require("minimist")(process.argv.slice(2));
console.log("proxy", args._.length);
