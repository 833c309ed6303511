// Lists the Go files of its folder that gofmt would change.
package main

import (
	"fmt"
	"os/exec"
)

func main() {
	out, err := exec.Command("gofmt", "-l", ".").CombinedOutput()
	fmt.Print(string(out))
	if err != nil {
		fmt.Println(err)
	}
}
