package main

import (
	"fmt"
	"os"
)

func main() {
	b, _ := os.ReadFile("/etc/app/config.yaml")
	fmt.Print(string(b))
}
