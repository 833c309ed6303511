console.log(JSON.stringify({ built: "yes" }));
