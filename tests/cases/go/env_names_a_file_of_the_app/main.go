package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	// The file ENV names, read at run time.
	text, err := os.ReadFile(os.Getenv("QUERIES"))
	if err != nil {
		fmt.Println("missing:", err)
		os.Exit(1)
	}
	fmt.Println(strings.Count(string(text), "\n"), "lines")
}
