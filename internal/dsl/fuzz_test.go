package dsl

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
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

// varScenario declares a variable of each kind of type a value given
// outside the file is parsed into.
const varScenario = `
variable "n" { type = number }
variable "b" { type = bool }
variable "s" { type = string }
variable "l" { type = list(number) }
variable "m" { type = map(string) }
variable "o" { type = object({ a = number, b = list(string) }) }
variable "any" {}
`

// varsByName decodes varScenario's variables, as resolveVariables sees them.
func varsByName(t testing.TB) map[string]*Variable {
	s, diags := LoadBytes("vars.hcl", []byte(varScenario), LoadOptions{Environ: noEnv, Vars: []string{
		"n=1", "b=true", "s=x", "l=[1]", "m={}", "o={a=1, b=[]}", "any=1",
	}})
	if s == nil || len(s.Variables) != 7 {
		t.Fatalf("varScenario: %v", diags)
	}
	byName := map[string]*Variable{}
	for _, v := range s.Variables {
		v.Value = cty.NilVal
		byName[v.Name] = v
	}
	return byName
}

// checkVarValue: after a value was applied, a variable holds a value of its
// type, unknown after an error, and no value without anything applied.
func checkVarValue(t *testing.T, v *Variable, diags hcl.Diagnostics) {
	t.Helper()
	switch {
	case v.Value == cty.NilVal:
	case !v.Value.IsKnown():
		if !diags.HasErrors() {
			t.Fatalf("variable %s is unknown without an error", v.Name)
		}
	case v.Type != cty.DynamicPseudoType && !v.Value.Type().Equals(v.Type) && v.Type.TestConformance(v.Value.Type()) != nil:
		t.Fatalf("variable %s of type %s holds a %s", v.Name, v.Type.FriendlyName(), v.Value.Type().FriendlyName())
	}
}

// FuzzVarValue feeds arbitrary text to what parses a --var or HARNESS_VAR_
// value, for every kind of variable type: it must never panic, and a value
// it accepts has the variable's type.
func FuzzVarValue(f *testing.F) {
	for _, seed := range []string{"10", "1e400", "-0", "true", "maybe", "[1, 2]", "{a = 1, b = [\"x\"]}",
		"${x}", "var.x", "file(\"x\")", "((((1))))", "[for x in [1] : x]", "\"unterminated", "<<EOF\nx\nEOF\n", "1 ? 2 : 3", ""} {
		f.Add(seed)
	}
	byName := varsByName(f)
	f.Fuzz(func(t *testing.T, raw string) {
		for _, name := range []string{"n", "b", "s", "l", "m", "o", "any"} {
			v := byName[name]
			v.Value = cty.NilVal
			diags := applyCLIVar(byName, name+"="+raw)
			checkVarValue(t, v, diags)
			if diags.HasErrors() && (len(diags) != 1 || !strings.Contains(diags[0].Detail, "variable \""+name+"\"")) {
				t.Fatalf("--var %s=%q: want one diagnostic naming the variable, got %v", name, raw, diags)
			}
		}
	})
}

// FuzzVarFile feeds arbitrary bytes to the --var-file reader: it must never
// panic, every variable it sets has its type, and its diagnostics render.
func FuzzVarFile(f *testing.F) {
	for _, seed := range []string{"n = 1\nb = true\ns = \"x\"\n", "l = [1, 2]\nm = { a = \"b\" }\n",
		"o = { a = 1, b = [\"x\"] }\nany = null\n", "n = fast\n", "x = 1\n", "block {}\n", "n = (((1)))\n", "n =\n"} {
		f.Add([]byte(seed))
	}
	byName := varsByName(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, v := range byName {
			v.Value = cty.NilVal
		}
		files := map[string]*hcl.File{}
		diags := applyVarFileBytes(byName, "vars.hcl", src, files)
		for _, v := range byName {
			checkVarValue(t, v, diags)
		}
		_ = WriteDiagnostics(discard{}, files, diags, false)
	})
}

// FuzzParseDuration checks parseDuration against an independent reading of
// the same text with arbitrary precision: a well-formed duration well inside
// time.Duration's range parses to the same value as time.ParseDuration,
// one well outside is errDurationRange, and malformed text is neither.
func FuzzParseDuration(f *testing.F) {
	for _, seed := range []string{"500ms", "1m30s", "9999999h", "-9999999h", "2562047h47m16.854775807s", "1.5µs",
		".5h", "1.h", "0", "10 seconds", "8d", "", "-", "1e3s", "9223372036854775807ns", "99999999999999999999ns"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDuration(s)
		ref, refErr := time.ParseDuration(s)
		if err == nil && (refErr != nil || d != ref) {
			t.Fatalf("parseDuration(%q) = %v, time.ParseDuration = %v, %v", s, d, ref, refErr)
		}
		if err != nil && refErr == nil {
			t.Fatalf("parseDuration(%q) refused what time.ParseDuration accepts: %v", s, err)
		}
		ns, ok := bigDuration(s)
		if !ok {
			if errors.Is(err, errDurationRange) {
				t.Fatalf("parseDuration(%q): out of range, but it is not a duration", s)
			}
			return
		}
		limit := new(big.Float).SetInt64(math.MaxInt64)
		switch ns.Abs(ns); {
		case ns.Cmp(new(big.Float).Mul(limit, big.NewFloat(0.999))) < 0 && err != nil:
			t.Fatalf("parseDuration(%q): %v, want a value", s, err)
		case ns.Cmp(new(big.Float).Mul(limit, big.NewFloat(1.001))) > 0 && !errors.Is(err, errDurationRange):
			t.Fatalf("parseDuration(%q) = %v, %v, want out of range", s, d, err)
		}
	})
}

var durationPart = regexp.MustCompile(`(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)`)

var durationUnits = map[string]float64{"ns": 1, "us": 1e3, "µs": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}

// bigDuration reads s as a sum of number-unit parts in nanoseconds with
// arbitrary precision; ok is false when s is not that form.
func bigDuration(s string) (*big.Float, bool) {
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 || body == "" {
		return nil, false
	}
	parts := durationPart.FindAllStringSubmatchIndex(body, -1)
	total, at := new(big.Float).SetPrec(256), 0
	for _, p := range parts {
		if p[0] != at {
			return nil, false
		}
		at = p[1]
		n, _, err := big.ParseFloat(body[p[2]:p[3]], 10, 256, big.ToNearestEven)
		if err != nil {
			return nil, false
		}
		total.Add(total, n.Mul(n, big.NewFloat(durationUnits[body[p[4]:p[5]]])))
	}
	if at != len(body) || len(parts) == 0 {
		return nil, false
	}
	return total, true
}
