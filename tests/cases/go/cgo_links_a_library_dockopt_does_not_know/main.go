package main

// #cgo LDFLAGS: -lfrobnicate
import "C"

func main() {}
