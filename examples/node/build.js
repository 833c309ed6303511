// The build step: copies src/ to dist/, stamping the build time, the way a
// bundler or compiler would produce output the runtime needs.
const fs = require("fs");
const path = require("path");

fs.mkdirSync("dist", { recursive: true });
for (const name of fs.readdirSync("src")) {
  const code = fs.readFileSync(path.join("src", name), "utf8");
  fs.writeFileSync(path.join("dist", name), `// built ${new Date().toISOString()}\n${code}`);
}
