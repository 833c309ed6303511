const mysql = require("mysql2");
const { Client } = require("pg");
console.log(typeof mysql.createConnection, typeof Client);
