const { execFileSync } = require("child_process");
const out = execFileSync("python3", ["report.py"]).toString();
console.log(out.trim());
