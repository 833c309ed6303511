package main

// #cgo pkg-config: libxml-2.0
// #include <libxml/xmlversion.h>
import "C"

func main() { C.xmlCheckVersion(20900) }
