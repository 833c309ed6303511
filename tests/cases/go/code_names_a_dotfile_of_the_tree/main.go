package main

import (
	"fmt"
	"os"
)

func main() {
	// The release settings name the project; the program prints them.
	b, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		panic(err)
	}
	fmt.Print(string(b))
}
