package redact

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

const secret = "s3cr&t/to ken"

func TestString(t *testing.T) {
	r := New(secret, "")
	for _, tc := range []struct{ in, want string }{
		{"plain " + secret + " end", "plain (sensitive) end"},
		{`Get "http://h/x?token=s3cr%26t%2Fto+ken": refused`, `Get "http://h/x?token=(sensitive)": refused`},
		{"http://h/s3cr&t%2Fto%20ken/x", "http://h/(sensitive)/x"},
		{`{"reason":"s3cr\u0026t/to ken"}`, `{"reason":"(sensitive)"}`},
		{"two " + secret + secret, "two (sensitive)(sensitive)"},
		{"https://alice:hunter2@h:8443/m", "https://alice:***@h:8443/m"},
		{`dial "http://u:p%40ss@127.0.0.1:1/metrics"`, `dial "http://u:***@127.0.0.1:1/metrics"`},
		{"http://alice@h/ and mail a:b@c", "http://alice@h/ and mail a:b@c"},
		{"nothing here", "nothing here"},
	} {
		if got := r.String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	short := New("sit")
	if once := short.String("a sit b"); short.String(once) != once {
		t.Errorf("redacting twice changed %q to %q", once, short.String(once))
	}
	var none *Redactor
	if got := none.String("x http://u:pw@h y"); got != "x http://u:***@h y" {
		t.Errorf("nil Redactor: %q", got)
	}
}

// Error keeps the exit code and errors.Is behind the redacted message.
func TestError(t *testing.T) {
	err := exitcode.Wrap(exitcode.Precondition, fmt.Errorf("health: %s down", secret))
	got := New(secret).Error(err)
	if got.Error() != "health: (sensitive) down" || exitcode.Of(got) != exitcode.Precondition || !errors.Is(got, err) {
		t.Errorf("Error = %q, code %d", got, exitcode.Of(got))
	}
	if New(secret).Error(nil) != nil {
		t.Error("Error(nil) is not nil")
	}
}

// A secret split across writes is still caught; Flush writes the tail.
func TestWriter(t *testing.T) {
	var b strings.Builder
	w := New(secret).Writer(&b)
	for _, part := range []string{"a s3cr", "&t/to", " ken b\nc ", "s3cr&t/to ken"} {
		if n, err := w.Write([]byte(part)); n != len(part) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got := b.String(); got != "a (sensitive) b\n" {
		t.Errorf("before Flush: %q", got)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "a (sensitive) b\nc (sensitive)" {
		t.Errorf("after Flush: %q", got)
	}
}

// File reaches every string, map keys and observed values included, and
// leaves histograms alone.
func TestFile(t *testing.T) {
	s := func(x string) string { return strings.ReplaceAll(x, "T", secret) }
	mk := func(s func(string) string) *result.File {
		return &result.File{
			Reason:   s("reason T"),
			Warnings: []string{s("w T")},
			Scenario: result.ScenarioInfo{Variables: map[string]string{"k": s("T")}},
			Steps: []result.Step{{
				Target:    s("http://h/?t=T"),
				Histogram: "HISTT",
				Errors:    map[string]result.ErrorClass{"refused": {Count: 1, Messages: []string{s("dial T")}}},
				Samplers:  map[string]result.SamplerWindow{"tri": {Error: s("scrape T")}},
				Series:    []result.Second{{Samples: map[string]float64{s("T.x"): 1}}},
			}},
			Samplers:   []result.SamplerInfo{{Error: s("start T"), FirstErrors: []string{s("e T")}}},
			Assertions: []result.Assertion{{Message: s("m T"), Observed: map[string]any{"a": s("T"), "n": 1.5, "z": nil}}},
		}
	}
	// Every encoded histogram is data: the step's, the send latency's and
	// each extract's.
	hist := func(f *result.File) {
		f.Steps[0].Histogram = "HIST" + secret
		f.Steps[0].SendHistogram = "SEND" + secret
		f.Steps[0].Extract = map[string]result.Extract{"tokens": {Count: 1, Histogram: "EXT" + secret}}
	}
	f := mk(s)
	hist(f)
	New(secret).File(f)
	want := mk(func(x string) string { return strings.ReplaceAll(x, "T", Mask) })
	hist(want)
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("File (-want +got):\n%s", diff)
	}
}

func TestForScenario(t *testing.T) {
	scn, diags := dsl.LoadBytes("s.hcl", []byte(`
variable "token" {
  default   = "tok-123"
  sensitive = true
}
variable "pair" {
  type      = list(string)
  default   = ["p-1", "p-2"]
  sensitive = true
}
variable "port" {
  type      = number
  default   = 8080
  sensitive = true
}
variable "open" {
  default = "visible"
}
scenario {
  name = "x"
}
target "t" {
  url = "http://127.0.0.1:1/?t=${var.token}"
}
step "s" {
  users    = 1
  duration = "1s"
}
`), dsl.LoadOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	got := ForScenario(scn).String("tok-123 p-1 p-2 8080 visible")
	if want := "(sensitive) (sensitive) (sensitive) 8080 visible"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
