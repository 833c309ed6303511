package main

import (
	"fmt"
	"os"

	"example.com/hello/internal/greet"
)

func main() {
	mod, _ := os.ReadFile("go.mod")
	fmt.Println(greet.Hello("Docker"), len(mod))
}
