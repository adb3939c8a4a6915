package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
)

const (
	fixture3060 = "../../internal/diff/testdata/rtx3060.json"
	fixture5090 = "../../internal/diff/testdata/rtx5090.json"
)

// TestDiffExitCodes runs `harness diff` in process and checks the exit code
// of the regression gate and of bad input, with what each writes.
func TestDiffExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	foreign := write("package.json", `{"name":"web","version":"1.0.0"}`)
	broken := write("broken.json", `{"schema":"harness.result/v1","steps":[`)
	other := write("v2.json", `{"schema":"harness.result/v2"}`)

	for _, tc := range []struct {
		name   string
		args   []string
		want   exitcode.Code
		stdout string // substring of stdout
		stderr string // substring of stderr
	}{
		{"power regression and pass→fail", []string{fixture3060, fixture5090, "--fail-on", "regression"}, exitcode.Failed, "pass→fail  power_budget on users_200", ""},
		{"latency regression the other way", []string{fixture5090, fixture3060, "--fail-on", "regression"}, exitcode.Failed, "REGRESSION", ""},
		{"no gate, same pair", []string{fixture3060, fixture5090}, exitcode.OK, "REGRESSION", ""},
		{"identical files pass the gate", []string{fixture3060, fixture3060, "--fail-on", "regression"}, exitcode.OK, "no regression", ""},
		{"markdown", []string{fixture3060, fixture5090, "--format", "markdown"}, exitcode.OK, "| metric | base | new |", ""},
		{"threshold as plain number", []string{fixture3060, fixture3060, "--threshold", "10"}, exitcode.OK, "threshold 10%", ""},
		{"bad threshold", []string{fixture3060, fixture5090, "--threshold", "five"}, exitcode.Usage, "", `invalid threshold "five"`},
		{"bad format", []string{fixture3060, fixture5090, "--format", "html"}, exitcode.Usage, "", `unknown --format "html"`},
		{"bad fail-on", []string{fixture3060, fixture5090, "--fail-on", "anything"}, exitcode.Usage, "", `unknown --fail-on "anything"`},
		{"foreign json", []string{foreign, fixture5090}, exitcode.Usage, "", `package.json: not a harness results file: no "schema" field`},
		{"truncated", []string{fixture3060, broken}, exitcode.Usage, "", "broken.json: not a harness results file: invalid JSON"},
		{"other schema", []string{fixture3060, other}, exitcode.Usage, "", `unsupported results schema "harness.result/v2"`},
		{"missing file", []string{fixture3060, filepath.Join(dir, "nope.json")}, exitcode.Usage, "", "no such file"},
		{"one argument", []string{fixture3060}, exitcode.Usage, "", "accepts 2 arg(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, stdout, stderr := runHarness(t, append([]string{"diff"}, tc.args...)...)
			if got != tc.want {
				t.Fatalf("harness diff %s = %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), got, tc.want, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr)
			}
			if tc.want == exitcode.Failed && stderr != "" {
				t.Errorf("the gate should print nothing on stderr, got %q", stderr)
			}
		})
	}
}

func TestDiffJSON(t *testing.T) {
	got, stdout, stderr := runHarness(t, "diff", fixture3060, fixture5090, "--format", "json")
	if got != exitcode.OK {
		t.Fatalf("exit %d: %s", got, stderr)
	}
	var r struct {
		Threshold float64 `json:"threshold"`
		Broken    int     `json:"broken"`
		Steps     []struct {
			Name string `json:"name"`
		} `json:"steps"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("json output: %v", err)
	}
	if r.Threshold != 0.05 || r.Broken != 1 || len(r.Steps) != 6 {
		t.Errorf("json = %+v", r)
	}
}
