package dsl

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// TestErrorFiles loads each testdata/errors/*.hcl and compares the errors it
// reports, as map[line]summary, with the `# ERROR: <summary>` markers on the
// file's lines. Several errors on one line are joined with " | " in sorted
// order, as are several markers.
func TestErrorFiles(t *testing.T) {
	testMarkerFiles(t, "testdata/errors/*.hcl", "# ERROR: ", hcl.DiagError)
}

// TestWarningFiles does the same for testdata/warnings/*.hcl and `# WARNING:`;
// those files must load with no error.
func TestWarningFiles(t *testing.T) {
	testMarkerFiles(t, "testdata/warnings/*.hcl", "# WARNING: ", hcl.DiagWarning)
}

func testMarkerFiles(t *testing.T, glob, marker string, sev hcl.DiagnosticSeverity) {
	paths, _ := filepath.Glob(glob)
	if len(paths) == 0 {
		t.Fatalf("no files match %s", glob)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, diags := LoadBytes(path, src, LoadOptions{Environ: func() []string { return nil }})
			if sev == hcl.DiagWarning && diags.HasErrors() {
				t.Errorf("unexpected errors: %s", renderDiags(s, diags))
			}
			got := map[int][]string{}
			for _, d := range diags {
				if d.Severity != sev {
					continue
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				got[line] = append(got[line], d.Summary)
			}
			if diff := cmp.Diff(markers(src, marker), joinSorted(got)); diff != "" {
				t.Errorf("LoadBytes(%s) diagnostics (-markers +got):\n%s\nall diagnostics:\n%s", path, diff, renderDiags(s, diags))
			}
		})
	}
}

// markers reads `<marker>summary` comments into map[line]summary.
func markers(src []byte, marker string) map[int]string {
	out := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for line := 1; sc.Scan(); line++ {
		if _, m, ok := strings.Cut(sc.Text(), marker); ok {
			out[line] = strings.TrimSpace(m)
		}
	}
	return out
}

func joinSorted(m map[int][]string) map[int]string {
	out := map[int]string{}
	for line, s := range m {
		sort.Strings(s)
		out[line] = strings.Join(s, " | ")
	}
	return out
}

func renderDiags(s *Scenario, diags hcl.Diagnostics) string {
	var b strings.Builder
	_ = WriteDiagnostics(&b, s.Files, diags, false)
	return b.String()
}
