console.log("built by tsc");
