const { simpleGit } = require("simple-git");
simpleGit().version().then((v) => console.log("git", v.installed ? "found" : "missing"));
