package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	// The module line, read at run time by its absolute path in the
	// folder the context was copied to.
	mod, err := os.ReadFile("/src/go.mod")
	if err != nil {
		fmt.Println("missing:", err)
		os.Exit(1)
	}
	fmt.Println(strings.SplitN(string(mod), "\n", 2)[0])
}
