package main

import (
	"fmt"
	"os/exec"
)

func main() {
	out, err := exec.Command("git", "--version").Output()
	fmt.Println(string(out) != "", err == nil)
}
