package dsl

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// within fails the test when f does not return in time: a named pipe read
// blocks forever, and the test must fail rather than hang.
func within(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("still blocked after 5s")
	}
}

// mkfifo makes a named pipe in a temporary directory and, at cleanup, opens
// it for writing once so that a reader blocked on it (before the fix) wakes.
func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pipe")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	t.Cleanup(func() {
		if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	return p
}

// TestNonRegularInputs: a named pipe or device as the scenario, a
// --var-file or a file() argument is refused at once with a diagnostic
// naming it, instead of blocking or reading forever.
func TestNonRegularInputs(t *testing.T) {
	fifo := mkfifo(t)
	scenarioIn := func(dir, extra string) string {
		p := filepath.Join(dir, "s.hcl")
		if err := os.WriteFile(p, []byte(base+extra+"step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		load func() hcl.Diagnostics
		want string
	}{
		{"scenario fifo", func() hcl.Diagnostics {
			_, d := LoadFile(fifo, LoadOptions{Environ: noEnv})
			return d
		}, "is a named pipe, not a regular file"},
		{"scenario device", func() hcl.Diagnostics {
			_, d := LoadFile("/dev/zero", LoadOptions{Environ: noEnv})
			return d
		}, "/dev/zero is a character device, not a regular file"},
		{"var-file fifo", func() hcl.Diagnostics {
			_, d := LoadFile(scenarioIn(t.TempDir(), ""), LoadOptions{Environ: noEnv, VarFiles: []string{fifo}})
			return d
		}, "is a named pipe, not a regular file"},
		{"file() fifo", func() hcl.Diagnostics {
			_, d := LoadFile(scenarioIn(t.TempDir(), "target \"b\" {\n  url = \"http://127.0.0.1:1/\"\n  body = file(\""+fifo+"\")\n}\n"), LoadOptions{Environ: noEnv})
			return d
		}, "is a named pipe, not a regular file"},
		{"filebase64() device", func() hcl.Diagnostics {
			_, d := LoadFile(scenarioIn(t.TempDir(), "target \"b\" {\n  url = \"http://127.0.0.1:1/\"\n  body_base64 = filebase64(\"/dev/zero\")\n}\n"), LoadOptions{Environ: noEnv})
			return d
		}, "is a character device, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags hcl.Diagnostics
			within(t, func() { diags = tt.load() })
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", diags, tt.want)
			}
		})
	}
}

// TestScenarioSizeLimit: a scenario or --var-file over MaxScenarioSize is
// refused with the limit in the message, whether read from disk or given
// as bytes.
func TestScenarioSizeLimit(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.hcl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: cheap on disk, all zero bytes.
	if err := f.Truncate(MaxScenarioSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ok := filepath.Join(dir, "ok.hcl")
	if err := os.WriteFile(ok, []byte(base+"step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "larger than the 4 MiB limit"
	_, diags := LoadFile(big, LoadOptions{Environ: noEnv})
	if !strings.Contains(diags.Error(), want) {
		t.Errorf("LoadFile(big): %v, want %q", diags, want)
	}
	_, diags = LoadFile(ok, LoadOptions{Environ: noEnv, VarFiles: []string{big}})
	if !strings.Contains(diags.Error(), want) {
		t.Errorf("--var-file big: %v, want %q", diags, want)
	}
	src := append([]byte(base), make([]byte, MaxScenarioSize)...)
	_, diags = LoadBytes("big.hcl", src, LoadOptions{Environ: noEnv})
	if !strings.Contains(diags.Error(), want) {
		t.Errorf("LoadBytes(big): %v, want %q", diags, want)
	}
	if _, diags = FormatFile("big.hcl", src); !strings.Contains(diags.Error(), want) {
		t.Errorf("FormatFile(big): %v, want %q", diags, want)
	}
}

// TestNestingLimit: input nested far deeper than MaxNesting is refused with
// a diagnostic where the limit is passed; before the check, 70,000 nested
// parentheses overflowed the parser's stack (a fatal error, not a panic).
// Ordinary nesting still loads.
func TestNestingLimit(t *testing.T) {
	const n = 70000
	deep := map[string]string{
		"parentheses":  "x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"lists":        "x = " + strings.Repeat("[", n) + strings.Repeat("]", n),
		"objects":      "x = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n),
		"blocks":       strings.Repeat("b {\n", n) + strings.Repeat("}\n", n),
		"templates":    "x = " + strings.Repeat(`"${`, n) + "1" + strings.Repeat(`}"`, n),
		"directives":   "x = \"" + strings.Repeat("%{if true}", n) + strings.Repeat("%{endif}", n) + "\"",
		"unary":        "x = " + strings.Repeat("-", 4*n) + "1",
		"conditionals": "x = " + strings.Repeat("true ? 1 : ", n) + "1",
		"mixed":        "x = " + strings.Repeat("-(!", n) + "1" + strings.Repeat(")", n),
		// Evaluating a + b + … recurses once per operator: two million of
		// them (4 MiB) overflow the stack at evaluation.
		"operators": "x = 1" + strings.Repeat("+1", n),
		"indexes":   "x = [1]" + strings.Repeat("[0]", n),
	}
	for name, src := range deep {
		t.Run(name, func(t *testing.T) {
			_, diags := LoadBytes("deep.hcl", []byte("locals {\n"+src+"\n}\n"), LoadOptions{Environ: noEnv})
			if len(diags) != 1 || diags[0].Summary != "Nesting too deep" || diags[0].Subject == nil ||
				!strings.Contains(diags[0].Detail, "256 is the limit") {
				t.Fatalf("got %v, want one \"Nesting too deep\" error", diags)
			}
			if _, fd := FormatFile("deep.hcl", []byte(src)); !fd.HasErrors() {
				t.Errorf("FormatFile accepted it")
			}
		})
	}
	t.Run("var", func(t *testing.T) {
		src := "variable \"n\" { type = number }\n" + base + "step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n"
		_, diags := LoadBytes("v.hcl", []byte(src), LoadOptions{Environ: noEnv, Vars: []string{"n=" + strings.Repeat("(", n) + "1" + strings.Repeat(")", n)}})
		if !strings.Contains(diags.Error(), "256 is the limit") {
			t.Errorf("--var: %v", diags)
		}
	})
	t.Run("var-file", func(t *testing.T) {
		vf := filepath.Join(t.TempDir(), "v.hcl")
		if err := os.WriteFile(vf, []byte("n = "+strings.Repeat("(", n)+"1"+strings.Repeat(")", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		src := "variable \"n\" { type = number }\n" + base + "step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n"
		_, diags := LoadBytes("v.hcl", []byte(src), LoadOptions{Environ: noEnv, VarFiles: []string{vf}})
		if !strings.Contains(diags.Error(), "256 is the limit") {
			t.Errorf("--var-file: %v", diags)
		}
	})
	t.Run("ordinary nesting loads", func(t *testing.T) {
		const m = 60
		mustLoad(t, base+"locals {\n  x = "+strings.Repeat("(", m)+"1"+strings.Repeat(")", m)+
			"\n  y = \"${\"${1}\"}\" \n  s = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 == 210 && true || false\n  z = [for i in [1] : i > 0 ? -i : !true ? 1 : 2]\n}\nstep \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n", LoadOptions{})
	})
}
