package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	// The module line, read from the working folder at run time; the
	// name is a raw string.
	mod, err := os.ReadFile(`go.mod`)
	if err != nil {
		fmt.Println("missing:", err)
		os.Exit(1)
	}
	fmt.Println(strings.SplitN(string(mod), "\n", 2)[0])
}
