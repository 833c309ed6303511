package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println("started with", os.Args[1:])
}
