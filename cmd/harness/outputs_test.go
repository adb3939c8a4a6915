package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// An output path that cannot be written is found before any load: exit 4
// at once, the error naming the path as given, nothing sent, no verdict.
func TestOutputUnwritableExitsBeforeLoad(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	file := writeScenario(t, passingScenario(srv.URL))
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantPath string
	}{
		{"out under a file", []string{"--out", filepath.Join(aFile, "results.json")}, filepath.Join(aFile, "results.json")},
		{"out is a directory", []string{"--out", dir}, dir},
		{"junit is a directory", []string{"--out", filepath.Join(dir, "r.json"), "--junit", dir}, dir},
	} {
		code, stdout, stderr := runHarness(t, append([]string{"run", file, "--quiet"}, tc.args...)...)
		if code != exitcode.Internal {
			t.Errorf("%s: exit %d, want 4; stderr:\n%s", tc.name, code, stderr)
		}
		if !strings.Contains(stderr, tc.wantPath) || strings.Contains(stderr, ".harness-check") {
			t.Errorf("%s: stderr does not name %s (and only it):\n%s", tc.name, tc.wantPath, stderr)
		}
		if strings.Contains(stdout, "running") || strings.Contains(stdout, "Verdict") {
			t.Errorf("%s: the run started or printed a verdict:\n%s", tc.name, stdout)
		}
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "r.json")); err == nil {
		t.Error("a results file was written although the JUnit path was unusable")
	}
}

// An output that fails only when written (/dev/full: no space) ends the run
// with exit 4, and the summary printed after it says so, never "PASS (exit 0)".
func TestOutputWriteFailureSummary(t *testing.T) {
	t.Parallel()
	const full = "/dev/full"
	if fi, err := os.Stat(full); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no /dev/full here")
	}
	srv, _ := countingServer(t)
	code, stdout, stderr := runHarness(t, "run", writeScenario(t, passingScenario(srv.URL)), "--quiet", "--out", full)
	if code != exitcode.Internal {
		t.Fatalf("exit %d, want 4; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "PASS") || !strings.Contains(stdout, "ERROR (exit 4)") || !strings.Contains(stdout, full) {
		t.Errorf("the summary does not state exit 4 and the path:\n%s", stdout)
	}
	if fi, err := os.Lstat(full); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", full, fi.Mode(), err)
	}
}

// --out - writes the results file to stdout, nothing else; the console
// (summary, output lines) goes to stderr.
func TestOutputStdout(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, passingScenario(srv.URL))
	code, stdout, stderr := runHarness(t, "run", file, "--out", "-")
	if code != exitcode.OK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", code, stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var f result.File
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("stdout is not a results file: %v\n%s", err, stdout)
	}
	if rest := strings.TrimSpace(stdout[dec.InputOffset():]); len(rest) != 0 {
		t.Errorf("stdout has more than the results file: %q", rest)
	}
	if f.Schema != result.Schema || f.Verdict != result.VerdictPass || len(f.Steps) != 1 {
		t.Errorf("results = schema %q verdict %q %d steps, want %q pass 1", f.Schema, f.Verdict, len(f.Steps), result.Schema)
	}
	if !strings.Contains(stderr, "Verdict: PASS (exit 0)") || !strings.Contains(stderr, "results: - (stdout)") {
		t.Errorf("stderr lacks the summary:\n%s", stderr)
	}
	if code, _, stderr := runHarness(t, "run", file, "--out", "-", "--junit", "-"); code != exitcode.Usage || !strings.Contains(stderr, "both") {
		t.Errorf("--out - --junit -: exit %d, want 2; stderr:\n%s", code, stderr)
	}
}
