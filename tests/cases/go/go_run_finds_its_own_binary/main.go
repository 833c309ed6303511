package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	exe, _ := os.Executable()
	// Files beside the binary: under go run, a temporary build folder.
	fmt.Println(filepath.Dir(exe))
}
