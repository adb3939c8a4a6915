// Package scenarios holds the ready scenario files and embeds them, so that
// `harness demo` runs its scenario from any installed binary, repo or not.
package scenarios

import "embed"

// FS holds every *.hcl file of this directory.
//
//go:embed *.hcl
var FS embed.FS
