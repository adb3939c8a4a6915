package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
)

const (
	fmtMessy = "step \"a\" {\nusers = 1\n  duration=\"30s\"\n}\n"
	fmtClean = "step \"a\" {\n  users    = 1\n  duration = \"30s\"\n}\n"
	// fmtBroken fails to parse on line 2, column 11.
	fmtBroken = "step \"a\" {\n  users = \n}\n"
)

// fmtFixture writes files (name → contents) into a temp dir with mode 0o640
// and returns the dir.
func fmtFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runFmt runs `harness fmt` with args.
func runFmt(t *testing.T, args ...string) (exitcode.Code, string, string) {
	t.Helper()
	return runHarness(t, append([]string{"fmt"}, args...)...)
}

func readFmtFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFmtRewritesInPlace(t *testing.T) {
	dir := fmtFixture(t, map[string]string{"messy.hcl": fmtMessy, "clean.hcl": fmtClean})
	messy, clean := filepath.Join(dir, "messy.hcl"), filepath.Join(dir, "clean.hcl")
	before, _ := os.Stat(clean)

	code, out, errOut := runFmt(t, messy, clean)
	if code != exitcode.OK || out != messy+"\n" || errOut != "" {
		t.Errorf("fmt = %d, stdout %q, stderr %q; want 0 and only %s listed", code, out, errOut, messy)
	}
	if got := readFmtFile(t, messy); got != fmtClean {
		t.Errorf("messy.hcl after fmt = %q, want %q", got, fmtClean)
	}
	if st, err := os.Stat(messy); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("messy.hcl mode after fmt: %v, %v; want 0640 kept", st.Mode(), err)
	}
	if after, _ := os.Stat(clean); !after.ModTime().Equal(before.ModTime()) {
		t.Error("clean.hcl was rewritten though already formatted")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("temp files left behind: %v", entries)
	}
}

func TestFmtCheck(t *testing.T) {
	dir := fmtFixture(t, map[string]string{"messy.hcl": fmtMessy, "clean.hcl": fmtClean})
	messy, clean := filepath.Join(dir, "messy.hcl"), filepath.Join(dir, "clean.hcl")

	code, out, _ := runFmt(t, "--check", messy, clean)
	if code != exitcode.Failed || out != messy+"\n" {
		t.Errorf("fmt --check = %d, stdout %q; want 1 and %s listed", code, out, messy)
	}
	if got := readFmtFile(t, messy); got != fmtMessy {
		t.Error("fmt --check rewrote messy.hcl")
	}
	if code, out, _ := runFmt(t, "--check", clean); code != exitcode.OK || out != "" {
		t.Errorf("fmt --check on a formatted file = %d, %q; want 0 and nothing", code, out)
	}
	// A directory stands for its *.hcl files, whatever characters its name has.
	sub := filepath.Join(dir, "plans [v2]")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"a.hcl": fmtMessy, "b.hcl": fmtClean, "notes.txt": "x=1"} {
		if err := os.WriteFile(filepath.Join(sub, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := filepath.Join(sub, "a.hcl") + "\n"
	if code, out, _ := runFmt(t, "--check", sub); code != exitcode.Failed || out != want {
		t.Errorf("fmt --check DIR = %d, %q; want 1 and %q", code, out, want)
	}
}

func TestFmtDiff(t *testing.T) {
	dir := fmtFixture(t, map[string]string{"messy.hcl": fmtMessy})
	messy := filepath.Join(dir, "messy.hcl")
	code, out, _ := runFmt(t, "--diff", messy)
	want := "--- " + messy + "\n+++ " + messy + " (formatted)\n" +
		"@@ -1,4 +1,4 @@\n" +
		" step \"a\" {\n-users = 1\n-  duration=\"30s\"\n+  users    = 1\n+  duration = \"30s\"\n }\n"
	if code != exitcode.OK || out != want {
		t.Errorf("fmt --diff = %d\n%s\nwant 0 and\n%s", code, out, want)
	}
	if got := readFmtFile(t, messy); got != fmtMessy {
		t.Error("fmt --diff rewrote the file")
	}
	if code, _, _ := runFmt(t, "--diff", "--check", messy); code != exitcode.Failed {
		t.Errorf("fmt --diff --check = %d, want 1", code)
	}
}

func TestTextDiffHunks(t *testing.T) {
	var a, b []string
	for i := range 20 {
		a = append(a, "line"+string(rune('a'+i)))
	}
	b = append(b, a...)
	b[2] = "changed"
	b = append(b[:15], b[16:]...) // delete line index 15 ("linep")
	got := textDiff("f", []byte(strings.Join(a, "\n")), []byte(strings.Join(b, "\n")+"\n"))
	want := "--- f\n+++ f (formatted)\n" +
		"@@ -1,6 +1,6 @@\n linea\n lineb\n-linec\n+changed\n lined\n linee\n linef\n" +
		"@@ -13,8 +13,7 @@\n linem\n linen\n lineo\n-linep\n lineq\n liner\n lines\n-linet\n\\ No newline at end of file\n+linet\n"
	if got != want {
		t.Errorf("textDiff =\n%s\nwant\n%s", got, want)
	}
}

func TestFmtSyntaxError(t *testing.T) {
	dir := fmtFixture(t, map[string]string{"broken.hcl": fmtBroken, "messy.hcl": fmtMessy})
	broken, messy := filepath.Join(dir, "broken.hcl"), filepath.Join(dir, "messy.hcl")
	code, out, errOut := runFmt(t, broken, messy)
	if code != exitcode.Usage {
		t.Errorf("fmt with a broken file = %d, want 2", code)
	}
	if !strings.HasPrefix(errOut, broken+":2:11: error: ") || !strings.Contains(errOut, "  users = \n") {
		t.Errorf("stderr = %q, want a path:line:col diagnostic with the source line", errOut)
	}
	if got := readFmtFile(t, broken); got != fmtBroken {
		t.Error("the broken file was rewritten")
	}
	// The other files are still formatted.
	if got := readFmtFile(t, messy); got != fmtClean || out != messy+"\n" {
		t.Errorf("messy.hcl beside a broken file: %q, stdout %q", got, out)
	}
	// A missing file is an error too, and takes precedence over --check's 1.
	code, _, errOut = runFmt(t, "--check", messy, filepath.Join(dir, "nope.hcl"))
	if code != exitcode.Usage || !strings.Contains(errOut, "nope.hcl: error: no such file or directory") {
		t.Errorf("fmt --check with a missing file = %d, %q; want 2 and the missing file named", code, errOut)
	}
}

func TestFmtStdin(t *testing.T) {
	dir := fmtFixture(t, map[string]string{"in.hcl": fmtMessy, "bad.hcl": fmtBroken})
	tests := []struct {
		file, flag string
		want       exitcode.Code
		wantOut    string
	}{
		{"in.hcl", "", exitcode.OK, fmtClean},
		{"in.hcl", "--check", exitcode.Failed, "<stdin>\n"},
		{"bad.hcl", "", exitcode.Usage, ""},
	}
	for _, tt := range tests {
		// cobra reads os.Stdin when no input is set; point it at the file.
		f, err := os.Open(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatal(err)
		}
		saved := os.Stdin
		os.Stdin = f
		args := []string{"-"}
		if tt.flag != "" {
			args = append([]string{tt.flag}, args...)
		}
		code, out, errOut := runFmt(t, args...)
		os.Stdin = saved
		f.Close()
		if code != tt.want || out != tt.wantOut {
			t.Errorf("fmt %v < %s = %d, %q (stderr %q); want %d, %q", args, tt.file, code, out, errOut, tt.want, tt.wantOut)
		}
	}
}

func TestFmtNeedsAFile(t *testing.T) {
	if code, _, _ := runFmt(t); code != exitcode.Usage {
		t.Errorf("fmt with no FILE = %d, want 2", code)
	}
}

// fmt refuses what is not a regular file, as run does: a named pipe would
// block it forever and /dev/zero never ends.
func TestFmtRefusesSpecialFiles(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pipe.hcl")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, path := range []string{fifo, "/dev/zero"} {
		done := make(chan struct{})
		var code exitcode.Code
		var errOut string
		go func() {
			code, _, errOut = runFmt(t, "--check", path)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("fmt %s still blocked after 10 s", path)
		}
		if code != exitcode.Usage || !strings.Contains(errOut, "not a regular file") {
			t.Errorf("fmt %s = %d, %q; want 2 and 'not a regular file'", path, code, errOut)
		}
	}
}
