package main

// Queries are read as text by the program, and compiled with it too.
const Queries = "SELECT 1"
