package dsl

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/harness-gpu/harness/internal/golden"
)

// TestFormatGolden formats each testdata/fmt/*_in.hcl and compares it with
// the matching _out.hcl; `go test ./internal/dsl -run TestFormatGolden
// -update` rewrites the _out files.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "fmt", "*_in.hcl"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata/fmt/*_in.hcl: %v", err)
	}
	for _, in := range inputs {
		outPath := strings.TrimSuffix(in, "_in.hcl") + "_out.hcl"
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		got, diags := FormatFile(in, src)
		if diags.HasErrors() {
			t.Errorf("%s: %v", in, diags)
			continue
		}
		golden.Check(t, outPath, got)
		if again := Format(got); !bytes.Equal(again, got) {
			t.Errorf("Format is not idempotent on %s:\n%s", outPath, cmp.Diff(string(got), string(again)))
		}
	}
}

func TestFormatBlankLines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"only blanks", "\n\n  \n", ""},
		{"leading and trailing", "\n\na = 1\n\n\n", "a = 1\n"},
		{"no final newline", "a = 1", "a = 1\n"},
		{"run collapsed", "a = 1\n\n\n\nb = 2\n", "a = 1\n\nb = 2\n"},
		{"heredoc kept", "a = <<EOT\nx\n\n\n\ny\nEOT\n", "a = <<EOT\nx\n\n\n\ny\nEOT\n"},
		{"comment kept", "/* x\n\n\n y */\na = 1\n", "/* x\n\n\n y */\na = 1\n"},
		{"after comment", "# c\n\n\n\na = 1\n", "# c\n\na = 1\n"},
	}
	for _, tt := range tests {
		if got := string(Format([]byte(tt.in))); got != tt.want {
			t.Errorf("%s: Format(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestFormatFileSyntaxError(t *testing.T) {
	src := []byte("step \"a\" {\n  users = \n}\n")
	got, diags := FormatFile("broken.hcl", src)
	if got != nil || !diags.HasErrors() {
		t.Fatalf("FormatFile of a broken file = %q, %v; want nil and errors", got, diags)
	}
	if s := diags[0].Subject; s == nil || s.Filename != "broken.hcl" || s.Start.Line != 2 {
		t.Errorf("first diagnostic %v, want one on broken.hcl line 2", diags[0])
	}
}

// FuzzFormat checks, for any file that parses, that formatting does not
// panic, changes only whitespace (the same tokens in the same order, blank
// lines aside) and yields a file that still parses.
func FuzzFormat(f *testing.F) {
	inputs, _ := filepath.Glob(filepath.Join("testdata", "fmt", "*.hcl"))
	for _, in := range inputs {
		if src, err := os.ReadFile(in); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		out, diags := FormatFile("fuzz.hcl", src)
		if diags.HasErrors() {
			return
		}
		if _, diags := hclsyntax.ParseConfig(out, "fuzz.hcl", hcl.InitialPos); diags.HasErrors() {
			t.Fatalf("formatted output does not parse: %v\n--- in\n%s\n--- out\n%s", diags, src, out)
		}
		if a, b := tokenTexts(src), tokenTexts(out); !cmp.Equal(a, b) {
			t.Fatalf("formatting changed tokens:\n%s", cmp.Diff(a, b))
		}
	})
}

// tokenTexts is significantTokens as "type text" strings, for comparison.
func tokenTexts(src []byte) []string {
	var out []string
	for _, t := range significantTokens(src) {
		out = append(out, t.text)
	}
	return out
}

// A file hclwrite would rewrite into other tokens ("0 .0" into the number
// 0.0: fuzz-found) is refused at the place, not changed.
func TestFormatKeepsTokens(t *testing.T) {
	out, diags := FormatFile("dot.hcl", []byte("a = 1\nb = 0 .0\n"))
	if out != nil || len(diags) != 1 || diags[0].Summary != "Cannot format safely" ||
		diags[0].Subject.Start.Line != 2 || diags[0].Subject.Start.Column != 5 {
		t.Fatalf("FormatFile = %q, %v; want nil and Cannot format safely at dot.hcl:2:5", out, diags)
	}
}
