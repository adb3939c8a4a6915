package dsl

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to LoadBytes, which must never panic and
// must always return a Scenario with its Files set. Seeds are every scenario
// and testdata file, so plain `go test` runs them all.
func FuzzLoad(f *testing.F) {
	for _, glob := range []string{"testdata/errors/*.hcl", "testdata/warnings/*.hcl", "../../scenarios/*.hcl"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(imageCall.ReplaceAll(src, []byte(`"aW1n"`)))
		}
	}
	opts := LoadOptions{
		Vars:    []string{},
		Environ: func() []string { return []string{"HARNESS_VAR_x=1"} },
		Getenv:  func(string) (string, bool) { return "", false },
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if bytes.Contains(src, []byte("jpeg")) || bytes.Contains(src, []byte("png")) {
			// Image generation is legitimately slow for large sizes (up to
			// 8192²) and is fuzzed by the functions' own tests; here it
			// would only stall the loader's fuzzing.
			t.Skip("image functions are out of this target's scope")
		}
		s, diags := LoadBytes("fuzz.hcl", src, opts)
		if s == nil || s.Files == nil {
			t.Fatalf("LoadBytes returned a nil Scenario or Files")
		}
		_ = diags
		for _, st := range s.Steps {
			if !diags.HasErrors() && st.Target == "" {
				t.Fatalf("step %q has no target after a clean load", st.Name)
			}
		}
		_ = WriteDiagnostics(discard{}, s.Files, diags, false)
		_ = WriteDiagnosticsJSON(discard{}, s.Files, diags)
	})
}

// imageCall matches a jpeg(...) or png(...) call in a seed.
var imageCall = regexp.MustCompile(`(jpeg|png)\([^)]*\)`)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
