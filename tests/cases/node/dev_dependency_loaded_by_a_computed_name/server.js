const express = require("express");
const name = process.env.LOG_FORMATTER || "pino-pretty";
const fmt = require(name);
express().listen(3000);
