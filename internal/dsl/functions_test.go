package dsl

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// funcTestEnv is the environment env() sees in these tests.
var funcTestEnv = map[string]string{"API_TOKEN": "s3cret", "EMPTY": ""}

// funcTestContext builds an evaluation context over a temp directory holding
// the files file()/filebase64() read, and returns that directory.
func funcTestContext(t *testing.T) (*hcl.EvalContext, string) {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hello.txt", []byte("hello\n"))
	write("bin.dat", []byte{0xff, 0x00, 0x01})
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) (string, bool) { v, ok := funcTestEnv[k]; return v, ok }
	return &hcl.EvalContext{
		Functions: Functions(dir, getenv),
		Variables: map[string]cty.Value{
			"unknown_bool":   cty.UnknownVal(cty.Bool),
			"unknown_number": cty.UnknownVal(cty.Number),
		},
	}, dir
}

// funcCases are evaluated as real HCL expressions. want is an HCL expression
// too (evaluated without functions unless noted) and is compared by its JSON
// form, so a list and a tuple of the same elements match, but "5" and 5 do not.
var funcCases = []struct {
	expr, want, wantErr string
	wantUnknown         bool
}{
	// file / filebase64
	{expr: `file("hello.txt")`, want: `"hello\n"`},
	{expr: `filebase64("bin.dat")`, want: `"/wAB"`},
	{expr: `filebase64("hello.txt")`, want: `"aGVsbG8K"`},
	{expr: `file("missing.txt")`, wantErr: `no file "missing.txt" (resolved to `},
	{expr: `file("bin.dat")`, wantErr: `bin.dat is not valid UTF-8 text; use filebase64("bin.dat")`},
	{expr: `file("sub")`, wantErr: `is a directory, not a file`},
	{expr: `file(1)`, wantErr: `no file "1"`},
	{expr: `file([])`, wantErr: `string required`},
	// words
	{expr: `length(split(" ", words(5, 3)))`, want: `5`},
	{expr: `words(0)`, want: `""`},
	{expr: `words(-2)`, wantErr: `n`},
	// env
	{expr: `env("API_TOKEN")`, want: `"s3cret"`},
	{expr: `env("API_TOKEN", "dflt")`, want: `"s3cret"`},
	{expr: `env("EMPTY", "dflt")`, want: `""`},
	{expr: `env("NOPE", "dflt")`, want: `"dflt"`},
	{expr: `env("NOPE")`, wantErr: `environment variable NOPE is not set; set it, or give a default: env("NOPE", "…")`},
	{expr: `env("NOPE", "a", "b")`, wantErr: `at most one default`},
	// duration
	{expr: `duration("500ms")`, want: `500`},
	{expr: `duration("2s")`, want: `2000`},
	{expr: `duration("1m30s")`, want: `90000`},
	{expr: `duration("1.5ms")`, want: `1.5`},
	{expr: `duration("250us")`, want: `0.25`},
	{expr: `duration("5")`, wantErr: `invalid duration "5": use a number with a unit`},
	{expr: `duration("fast")`, wantErr: `invalid duration "fast"`},
	{expr: `duration("9999999h")`, wantErr: `duration "9999999h" is out of range: the longest is 2562047h47m16.854775807s (about 292 years)`},
	// base64
	{expr: `base64encode("hi")`, want: `"aGk="`},
	{expr: `base64decode("aGk=")`, want: `"hi"`},
	{expr: `base64decode(base64encode("héllo"))`, want: `"héllo"`},
	{expr: `base64decode("!!")`, wantErr: `invalid base64`},
	{expr: `base64decode("/wAB")`, wantErr: `not valid UTF-8`},
	// alltrue / anytrue
	{expr: `alltrue([true, true])`, want: `true`},
	{expr: `alltrue([true, false])`, want: `false`},
	{expr: `alltrue([])`, want: `true`},
	{expr: `alltrue(["true"])`, want: `true`},
	{expr: `alltrue([true, unknown_bool])`, wantUnknown: true},
	{expr: `alltrue([false, unknown_bool])`, want: `false`},
	{expr: `alltrue([1])`, wantErr: `bool required`},
	{expr: `anytrue([false, true])`, want: `true`},
	{expr: `anytrue([false])`, want: `false`},
	{expr: `anytrue([])`, want: `false`},
	{expr: `anytrue([false, unknown_bool])`, wantUnknown: true},
	{expr: `anytrue([unknown_bool, true])`, want: `true`},
	// length (strings, collections, structural types)
	{expr: `length("héllo")`, want: `5`},
	{expr: `length([1, 2, 3])`, want: `3`},
	{expr: `length({a = 1, b = 2})`, want: `2`},
	{expr: `length(tomap({a = 1}))`, want: `1`},
	{expr: `length(toset([1, 1, 2]))`, want: `2`},
	{expr: `length(tolist([]))`, want: `0`},
	{expr: `length(5)`, wantErr: `length needs a string, list, set, map, tuple or object, not number`},
	// sum
	{expr: `sum([1, 2.5, 3])`, want: `6.5`},
	{expr: `sum([for g in [{p = 10}, {p = 20}] : g.p])`, want: `30`},
	{expr: `sum([1, unknown_number])`, wantUnknown: true},
	{expr: `sum([])`, wantErr: `cannot sum an empty list`},
	{expr: `sum(["a"])`, wantErr: `a number is required`},
	// replace, literal and /regexp/
	{expr: `replace("a-b-c", "-", "+")`, want: `"a+b+c"`},
	{expr: `replace("a1b22", "/[0-9]+/", "#")`, want: `"a#b#"`},
	{expr: `replace("x/y", "/", "_")`, want: `"x_y"`},
	{expr: `replace("x", "/(/", "y")`, wantErr: `error parsing regexp`},
	// startswith / endswith / strcontains / strrev
	{expr: `startswith("users_100", "users_")`, want: `true`},
	{expr: `endswith("users_100", "200")`, want: `false`},
	{expr: `strcontains("inference", "fer")`, want: `true`},
	{expr: `strrev("abc")`, want: `"cba"`},
	// jpeg / png through HCL (details in images_test.go)
	{expr: `length(jpeg(16, 16)) > 100`, want: `true`},
	{expr: `length(png(4, 4, 3)) > 10`, want: `true`},
	{expr: `jpeg(16, 16) == jpeg(16, 16, 0)`, want: `true`},
	{expr: `length(rgb(4, 2))`, want: `32`}, // 24 bytes, base64
	{expr: `jpeg(0, 16)`, wantErr: `width must be between 1 and 8192, not 0`},
	{expr: `png(16, "tall")`, wantErr: `Invalid value for "height" parameter: a number is required`},
	// try / can
	{expr: `try(env("NOPE"), "fallback")`, want: `"fallback"`},
	{expr: `can(duration("x"))`, want: `false`},
	{expr: `can(duration("1s"))`, want: `true`},
	// conversions
	{expr: `tostring(5)`, want: `"5"`},
	{expr: `tonumber("5")`, want: `5`},
	{expr: `tonumber("five")`, wantErr: `cannot convert "five" to number`},
	{expr: `tobool("true")`, want: `true`},
	{expr: `tolist(["a", "b"])`, want: `["a", "b"]`},
	{expr: `tomap({a = "b"})`, want: `{a = "b"}`},
	{expr: `toset(["a", "a"])`, want: `["a"]`},
	{expr: `int(3.7)`, want: `3`},
	// a sample of go-cty's stdlib under Terraform's names
	{expr: `jsonencode({image = "abc", n = 1})`, want: `"{\"image\":\"abc\",\"n\":1}"`},
	{expr: `jsondecode("{\"a\": [1, 2]}")`, want: `{a = [1, 2]}`},
	{expr: `format("%05.1f ms", 3.14159)`, want: `"003.1 ms"`},
	{expr: `formatlist("users_%d", [1, 2])`, want: `["users_1", "users_2"]`},
	{expr: `lower("ABC")`, want: `"abc"`},
	{expr: `upper("abc")`, want: `"ABC"`},
	{expr: `title("hello world")`, want: `"Hello World"`},
	{expr: `join(",", ["a", "b"])`, want: `"a,b"`},
	{expr: `split(",", "a,b")`, want: `["a", "b"]`},
	{expr: `trimspace("  x \n")`, want: `"x"`},
	{expr: `trim("--x--", "-")`, want: `"x"`},
	{expr: `trimprefix("v1.2", "v")`, want: `"1.2"`},
	{expr: `trimsuffix("a.hcl", ".hcl")`, want: `"a"`},
	{expr: `chomp("x\n")`, want: `"x"`},
	{expr: `indent(2, "a\nb")`, want: `"a\n  b"`},
	{expr: `substr("hello", 1, 3)`, want: `"ell"`},
	{expr: `strlen("héllo")`, want: `5`},
	{expr: `regex("([0-9]+)ms", "took 12ms")`, want: `["12"]`},
	{expr: `regexall("[0-9]", "a1b2")`, want: `["1", "2"]`},
	{expr: `concat([1], [2, 3])`, want: `[1, 2, 3]`},
	{expr: `merge({a = 1}, {b = 2})`, want: `{a = 1, b = 2}`},
	{expr: `lookup({a = 1}, "b", 7)`, want: `7`},
	{expr: `keys({b = 1, a = 2})`, want: `["a", "b"]`},
	{expr: `values({b = 1, a = 2})`, want: `[2, 1]`},
	{expr: `contains([10, 25], 25)`, want: `true`},
	{expr: `element(["a", "b"], 3)`, want: `"b"`},
	{expr: `flatten([[1], [2, [3]]])`, want: `[1, 2, 3]`},
	{expr: `range(3)`, want: `[0, 1, 2]`},
	{expr: `min(3, 1, 2)`, want: `1`},
	{expr: `max(3, 1, 2)`, want: `3`},
	{expr: `abs(-4)`, want: `4`},
	{expr: `ceil(1.2)`, want: `2`},
	{expr: `floor(1.8)`, want: `1`},
	{expr: `log(8, 2)`, want: `3`},
	{expr: `pow(2, 10)`, want: `1024`},
	{expr: `signum(-3)`, want: `-1`},
	{expr: `parseint("ff", 16)`, want: `255`},
	{expr: `coalesce("", "b")`, want: `"b"`},
	{expr: `coalesce(null, 2)`, want: `2`},
	{expr: `coalesce(1, "x")`, want: `"1"`},
	{expr: `coalesce("", 1)`, want: `"1"`},
	{expr: `coalesce(unknown_bool, true)`, wantUnknown: true},
	{expr: `coalesce("", null)`, wantErr: `no non-null, non-empty-string arguments`},
	{expr: `coalescelist([], [1])`, want: `[1]`},
	{expr: `compact(["a", "", "b"])`, want: `["a", "b"]`},
	{expr: `distinct([1, 1, 2])`, want: `[1, 2]`},
	{expr: `chunklist([1, 2, 3], 2)`, want: `[[1, 2], [3]]`},
	{expr: `slice([1, 2, 3], 1, 3)`, want: `[2, 3]`},
	{expr: `sort(["b", "a"])`, want: `["a", "b"]`},
	{expr: `reverse([1, 2, 3])`, want: `[3, 2, 1]`},
	{expr: `zipmap(["a"], [1])`, want: `{a = 1}`},
	{expr: `setunion([1], [2])`, want: `[1, 2]`},
	{expr: `setintersection([1, 2], [2, 3])`, want: `[2]`},
	{expr: `setsubtract([1, 2], [2])`, want: `[1]`},
	{expr: `length(setproduct([1, 2], ["a", "b"]))`, want: `4`},
	{expr: `csvdecode("a,b\n1,2\n")`, want: `[{a = "1", b = "2"}]`},
	{expr: `formatdate("YYYY-MM-DD", "2024-03-01T10:00:00Z")`, want: `"2024-03-01"`},
	{expr: `timeadd("2024-03-01T10:00:00Z", "90m")`, want: `"2024-03-01T11:30:00Z"`},
}

func TestFunctions(t *testing.T) {
	ctx, _ := funcTestContext(t)
	for _, tc := range funcCases {
		got, diags := evalExpr(t, tc.expr, ctx)
		switch {
		case tc.wantErr != "":
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.wantErr) {
				t.Errorf("%s: got %#v, %v; want an error containing %q", tc.expr, got, diags, tc.wantErr)
			}
		case diags.HasErrors():
			t.Errorf("%s: %v", tc.expr, diags)
		case tc.wantUnknown:
			if got.IsKnown() {
				t.Errorf("%s = %#v, want unknown", tc.expr, got)
			}
		default:
			want, wdiags := evalExpr(t, tc.want, nil)
			if wdiags.HasErrors() {
				t.Fatalf("want %s: %v", tc.want, wdiags)
			}
			if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
				t.Errorf("%s = %s, want %s", tc.expr, g, w)
			}
		}
	}
}

func evalExpr(t *testing.T, src string, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %v", src, diags)
	}
	return expr.Value(ctx)
}

func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return string(b)
}

// TestFunctionsAllExercised fails when a function is added to the table
// without a case in funcCases.
func TestFunctionsAllExercised(t *testing.T) {
	called := map[string]bool{}
	re := regexp.MustCompile(`([a-z0-9_]+)\(`)
	for _, tc := range funcCases {
		for _, m := range re.FindAllStringSubmatch(tc.expr, -1) {
			called[m[1]] = true
		}
	}
	for name := range Functions(".", func(string) (string, bool) { return "", false }) {
		if !called[name] {
			t.Errorf("function %s has no case in funcCases", name)
		}
	}
}

// TestFunctionErrorsPointAtArgument checks that a bad argument is reported
// on that argument's source range, which is what the decoder's diagnostics
// show the user.
func TestFunctionErrorsPointAtArgument(t *testing.T) {
	ctx, _ := funcTestContext(t)
	tests := []struct{ expr, arg string }{
		{`jpeg(352, 0)`, `0`},
		{`png(16, 16, 0.5)`, `0.5`},
		{`duration("10 s")`, `"10 s"`},
		{`env("NOPE")`, `"NOPE"`},
		{`file("missing.txt")`, `"missing.txt"`},
		{`base64decode("%%")`, `"%%"`},
		{`length(true)`, `true`},
		{`alltrue([null])`, `[null]`},
		{`sum([])`, `[]`},
	}
	for _, tt := range tests {
		_, diags := evalExpr(t, tt.expr, ctx)
		if len(diags) != 1 || diags[0].Subject == nil {
			t.Errorf("%s: diagnostics %v, want one with a subject", tt.expr, diags)
			continue
		}
		// hclsyntax reports an argument error on the argument's start range:
		// the opening token, or a quoted string's content.
		start := strings.LastIndex(tt.expr, tt.arg)
		if got := diags[0].Subject.Start.Byte; got != start && got != start+1 {
			t.Errorf("%s: diagnostic starts at byte %d (%q), want the argument %s at %d (%s)",
				tt.expr, got, tt.expr[got:], tt.arg, start, diags[0].Detail)
		}
	}
}

func TestFileAbsolutePathAndSizeCap(t *testing.T) {
	ctx, dir := funcTestContext(t)
	abs := filepath.Join(dir, "hello.txt")
	got, diags := evalExpr(t, `file("`+abs+`")`, ctx)
	if diags.HasErrors() || got.AsString() != "hello\n" {
		t.Errorf("file(%q) = %#v, %v", abs, got, diags)
	}

	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file one byte over the cap: cheap on disk.
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_, diags = evalExpr(t, `filebase64("big.bin")`, ctx)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "larger than the 64 MiB limit") {
		t.Errorf("filebase64 of a %d-byte file: %v, want the size-limit error", MaxFileSize+1, diags)
	}
}

func TestFilebase64RoundTrip(t *testing.T) {
	ctx, dir := funcTestContext(t)
	data := []byte{0, 1, 2, 0xfe, 0xff}
	if err := os.WriteFile(filepath.Join(dir, "sub", "x.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, diags := evalExpr(t, `filebase64("sub/x.bin")`, ctx)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if dec, err := base64.StdEncoding.DecodeString(got.AsString()); err != nil || string(dec) != string(data) {
		t.Errorf("filebase64 round trip: %v, %v", dec, err)
	}
}
