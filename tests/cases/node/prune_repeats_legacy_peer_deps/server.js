const React = require("react");
console.log("react", React.version);
