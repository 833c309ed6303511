package main

import (
	"fmt"
	"net/http"
)

func main() {
	_, err := http.Get("https://proxy.golang.org/")
	fmt.Println(err == nil)
}
