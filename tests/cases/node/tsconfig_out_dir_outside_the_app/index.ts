console.log("typed");
