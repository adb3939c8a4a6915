package htmlreport

import (
	"path/filepath"
	"strings"

	"github.com/harness-gpu/harness/internal/result"
)

// Input is one results file of the report.
type Input struct {
	Path  string // as given on the command line; shown in the environment
	Label string // legend name; LabelFor gives the default
	File  *result.File
}

// LabelFor names a results file in legends: its GPU names (without the
// vendor prefix) and the file's base name, e.g. "GeForce RTX 3060 · base.json".
func LabelFor(path string, f *result.File) string {
	var names []string
	seen := map[string]bool{}
	for _, g := range f.Environment.GPUs {
		n := strings.TrimPrefix(g.Name, "NVIDIA ")
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	base := filepath.Base(path)
	if len(names) == 0 {
		return base
	}
	return strings.Join(names, " + ") + " · " + base
}

// loadAxis names the x axis of the capacity charts after the models seen.
func loadAxis(inputs []Input) string {
	closed, open := false, false
	for _, in := range inputs {
		for _, s := range in.File.Steps {
			if s.Users > 0 {
				closed = true
			} else if s.Rate > 0 {
				open = true
			}
		}
	}
	switch {
	case closed && open:
		return "users or arrival rate (req/s)"
	case open:
		return "arrival rate (req/s)"
	}
	return "users"
}
