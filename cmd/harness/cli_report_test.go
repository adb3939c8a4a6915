package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	foreign := filepath.Join(dir, "other.json")
	if err := os.WriteFile(foreign, []byte(`{"hello":"world"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		want   exitcode.Code
		stderr string
	}{
		{"two runs", []string{fixture3060, fixture5090, "-o", out}, exitcode.OK, "report written to " + out},
		{"no -o", []string{fixture3060}, exitcode.Usage, "-o FILE is required"},
		{"no input", []string{"-o", out}, exitcode.Usage, "requires at least 1 arg"},
		{"foreign json", []string{fixture3060, foreign, "-o", out}, exitcode.Usage, `other.json: not a harness results file: no "schema" field`},
		{"missing directory is created", []string{fixture3060, "-o", filepath.Join(dir, "new", "r.html")}, exitcode.OK, "report written to"},
		{"unwritable output", []string{fixture3060, "-o", filepath.Join(foreign, "r.html")}, exitcode.Internal, "report:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, stderr := runHarness(t, append([]string{"report"}, tc.args...)...)
			if got != tc.want {
				t.Fatalf("harness report %s = %d, want %d\n%s", strings.Join(tc.args, " "), got, tc.want, stderr)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q: %s", tc.stderr, stderr)
			}
		})
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `<svg class="chart"`); n != 11 {
		t.Errorf("report has %d charts, want 11", n)
	}
}
