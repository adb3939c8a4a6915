package dsl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// TestShippedScenarios loads every file in scenarios/: each must validate
// with no diagnostic at all and be formatted as hclwrite.Format formats it.
func TestShippedScenarios(t *testing.T) {
	paths, err := filepath.Glob("../../scenarios/*.hcl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s, diags := LoadFile(path, LoadOptions{Environ: func() []string { return nil }})
			if len(diags) > 0 {
				var b stringsBuilder
				_ = WriteDiagnostics(&b, s.Files, diags, false)
				t.Fatalf("LoadFile(%s) diagnostics:\n%s", path, b.String())
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := hclwrite.Format(src); string(got) != string(src) {
				t.Errorf("%s is not formatted; run harness fmt on it", path)
			}
		})
	}
}

// TestDesignExample loads the complete example of docs/scenario-language.md: the reference's
// own example must decode with no error.
func TestDesignExample(t *testing.T) {
	opts := LoadOptions{
		Environ: func() []string { return nil },
		Getenv: func(k string) (string, bool) {
			return "token", k == "API_TOKEN"
		},
	}
	s, diags := LoadFile("testdata/design_example.hcl", opts)
	if diags.HasErrors() {
		t.Fatalf("the complete example of docs/scenario-language.md:\n%s", renderDiags(s, diags))
	}
	var names []string
	for _, st := range s.Steps {
		names = append(names, st.Name)
	}
	want := "baseline users_10 users_25 users_50 users_100 users_200 open_50 users_100_strict"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("steps = %s, want %s", got, want)
	}
	if len(s.Asserts) != 3 || s.Asserts[2].Step != "users_100_strict" {
		t.Errorf("asserts = %+v", s.Asserts)
	}
}
