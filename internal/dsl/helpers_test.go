package dsl

import (
	"flag"
	"strings"
)

type stringsBuilder = strings.Builder

// The -update flag rewrites golden files. It is registered in init, after
// every package-level variable, so that another test file of this package
// declaring the same flag wins instead of panicking.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

// updating reports whether -update was given.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}
