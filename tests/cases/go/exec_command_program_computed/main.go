package main

import (
	"os"
	"os/exec"
)

func main() {
	_ = exec.Command(os.Getenv("TOOL")).Run()
}
