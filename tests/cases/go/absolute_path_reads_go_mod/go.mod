module example.com/about

go 1.22
