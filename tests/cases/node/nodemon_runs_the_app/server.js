// Answers with how long ms() says a day is, so the dependency is loaded.
const http = require("http");
const ms = require("ms");
const port = Number(process.env.PORT || 3000);
http
  .createServer((req, res) => res.end(`a day is ${ms("1d")} ms\n`))
  .listen(port, () => console.log(`listening on ${port}`));
