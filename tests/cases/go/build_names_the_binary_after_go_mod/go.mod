module example.com/tools/server/v2

go 1.22
