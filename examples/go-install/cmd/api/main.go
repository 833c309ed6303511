// An HTTP server that says where it runs: the rewrite must keep both the
// program on PATH (go install puts it in /go/bin) and the working folder.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	wd, _ := os.Getwd()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello Docker from %s\n", wd)
	})
	http.ListenAndServe(":8080", nil)
}
