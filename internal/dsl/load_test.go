package dsl

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// base is the smallest valid scenario; tests append blocks to it.
const base = `
scenario { name = "t" }
target "api" { url = "http://127.0.0.1:8000/x" }
assert "p95" { condition = latency.p95 < 500 }
`

func noEnv() []string { return nil }

// mustLoad loads src and fails the test on any error diagnostic.
func mustLoad(t *testing.T, src string, opts LoadOptions) *Scenario {
	t.Helper()
	if opts.Environ == nil {
		opts.Environ = noEnv
	}
	s, diags := LoadBytes(filepath.Join(t.TempDir(), "test.hcl"), []byte(src), opts)
	if diags.HasErrors() {
		t.Fatalf("LoadBytes(%q):\n%s", src, renderDiags(s, diags))
	}
	return s
}

func TestDecodeStepDefaultsAndTypes(t *testing.T) {
	s := mustLoad(t, base+`
step "closed" {
  users    = 10
  ramp     = "5s"
  pace     = "2s"
  duration = "1m"
}
step "open" {
  rate          = 2.5
  ramp_rate     = 0.5
  max_in_flight = 40
  duration      = "30s"
}
step "zero_think" {
  users    = 3
  think    = "0s"
  duration = "10s"
}`, LoadOptions{})
	want := []*Step{
		{Name: "closed", Target: "api", Model: Closed, Users: 10, Ramp: 5 * time.Second, Pace: 2 * time.Second, Seed: DefaultSeed, Duration: time.Minute},
		{Name: "open", Target: "api", Model: Open, Rate: 2.5, RampRate: 0.5, MaxInFlight: 40, Arrival: ArrivalUniform, Seed: DefaultSeed, Duration: 30 * time.Second},
		{Name: "zero_think", Target: "api", Model: Closed, Users: 3, Seed: DefaultSeed, Duration: 10 * time.Second},
	}
	if diff := cmp.Diff(want, s.Steps, cmpIgnoreRanges()); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}

func TestDecodeTargetHealthSampler(t *testing.T) {
	dir := t.TempDir()
	src := `
scenario {
  name        = "full"
  description = "d"
}
target "api" {
  url     = "https://127.0.0.1:8443/x"
  headers = { "Content-Type" = "application/json" }
  body_base64 = base64encode("hi")
  timeout = "2s"
  tls {
    ca_file   = "ca.pem"
    cert_file = "/abs/c.pem"
    key_file  = "k.pem"
  }
  expect { status = [200, 201] }
  extract "ms" { json = "timing.ms" }
}
target "plain" {
  url  = "http://127.0.0.1:8000/"
  body = "text"
}
health "h" { url = "http://127.0.0.1:8000/health" }
sampler "triton" "t" {
  url      = "http://127.0.0.1:8002/metrics"
  model    = "m"
  interval = "2s"
}
sampler "nvml" "g" { devices = [0, 1] }
sampler "prometheus" "p" {
  url = "http://127.0.0.1:9100/metrics"
  series "load" {
    name   = "node_load1"
    labels = { job = "node" }
    kind   = "counter"
  }
  series "mem" {}
}
step "s" {
  target   = "api"
  users    = 1
  duration = "1s"
}
assert "p95" { condition = latency.p95 < 500 }
`
	s, diags := LoadBytes(filepath.Join(dir, "s.hcl"), []byte(src), LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(renderDiags(s, diags))
	}
	wantTargets := []*Target{
		{
			Name: "api", Method: "POST", URL: "https://127.0.0.1:8443/x",
			Headers: map[string]string{"Content-Type": "application/json"},
			Body:    []byte("hi"), Timeout: 2 * time.Second,
			TLS:          &TLS{CAFile: filepath.Join(dir, "ca.pem"), CertFile: "/abs/c.pem", KeyFile: filepath.Join(dir, "k.pem")},
			ExpectStatus: []int{200, 201},
			Extracts:     []*Extract{{Name: "ms", JSONPath: "timing.ms"}},
		},
		{Name: "plain", Method: "POST", URL: "http://127.0.0.1:8000/", Body: []byte("text"), Timeout: 30 * time.Second},
	}
	if diff := cmp.Diff(wantTargets, s.Targets, cmpIgnoreRanges()); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	wantHealth := []*Health{{Name: "h", URL: "http://127.0.0.1:8000/health", Method: "GET", Status: []int{200}, Timeout: 30 * time.Second, Interval: time.Second}}
	if diff := cmp.Diff(wantHealth, s.Health, cmpIgnoreRanges()); diff != "" {
		t.Errorf("health (-want +got):\n%s", diff)
	}
	wantSamplers := []*Sampler{
		{Kind: SamplerTriton, Name: "t", URL: "http://127.0.0.1:8002/metrics", Model: "m", Interval: 2 * time.Second, Timeout: 2 * time.Second},
		{Kind: SamplerNVML, Name: "g", Devices: []int{0, 1}, Interval: time.Second, Timeout: time.Second},
		{Kind: SamplerPrometheus, Name: "p", URL: "http://127.0.0.1:9100/metrics", Interval: time.Second, Timeout: time.Second, Series: []*Series{
			{Name: "load", Metric: "node_load1", Labels: map[string]string{"job": "node"}, Kind: SeriesCounter},
			{Name: "mem", Metric: "mem", Kind: SeriesGauge},
		}},
	}
	if diff := cmp.Diff(wantSamplers, s.Samplers, cmpIgnoreRanges()); diff != "" {
		t.Errorf("samplers (-want +got):\n%s", diff)
	}
	if s.Name != "full" || s.Description != "d" || len(s.SHA256) != 64 {
		t.Errorf("scenario = %q %q %q", s.Name, s.Description, s.SHA256)
	}
}

func TestDecodeDynamicSteps(t *testing.T) {
	s := mustLoad(t, base+`
step "baseline" {
  users    = 1
  duration = "10s"
}
dynamic "step" {
  for_each = [10, 25]
  iterator = level
  labels   = ["users_${level.value}"]
  content {
    users    = level.value
    pace     = "2s"
    duration = "60s"
    assert "scaled" {
      condition = latency.p95 < level.value * 10
    }
  }
}
step "after" {
  rate     = 5
  duration = "10s"
}`, LoadOptions{})
	var names []string
	for _, st := range s.Steps {
		names = append(names, st.Name)
	}
	if diff := cmp.Diff([]string{"baseline", "users_10", "users_25", "after"}, names); diff != "" {
		t.Fatalf("step order (-want +got):\n%s", diff)
	}
	if s.Steps[2].Users != 25 || len(s.Steps[2].Asserts) != 1 {
		t.Fatalf("users_25 = %+v", s.Steps[2])
	}
	// Each generated assert evaluates its condition with its own level:
	// p95 = 200 passes at 25 users (limit 250) and fails at 10 (limit 100).
	for _, tc := range []struct {
		step string
		want bool
	}{{"users_10", false}, {"users_25", true}} {
		a := findAssert(t, s, "scaled", tc.step)
		if diff := cmp.Diff([]string{tc.step}, a.Steps); diff != "" {
			t.Errorf("%s: Steps (-want +got):\n%s", tc.step, diff)
		}
		ctx := a.EvalCtx.NewChild()
		ctx.Variables = map[string]cty.Value{"latency": cty.ObjectVal(map[string]cty.Value{"p95": cty.NumberIntVal(200)})}
		v, diags := a.Condition.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", tc.step, diags.Error())
		}
		if v.True() != tc.want {
			t.Errorf("%s: latency.p95 < level.value * 10 with p95=200 = %v, want %v", tc.step, v.True(), tc.want)
		}
		if got := a.EvalCtx.Variables["level"]; got.IsNull() || got == cty.NilVal {
			t.Errorf("%s: EvalCtx lacks the iterator", tc.step)
		}
	}
}

func findAssert(t *testing.T, s *Scenario, name, step string) *Assert {
	t.Helper()
	for _, a := range s.Asserts {
		if a.Name == name && a.Step == step {
			return a
		}
	}
	t.Fatalf("no assert %q in step %q", name, step)
	return nil
}

func TestDecodeAssert(t *testing.T) {
	s := mustLoad(t, base+`
step "one" {
  users    = 1
  duration = "10s"
}
assert "temp" {
  condition     = gpu.temperature.max   <   80
  error_message = "hot: ${gpu.temperature.max}"
  steps         = ["one"]
  severity      = "warn"
  abort         = true
  sustain       = "5s"
}`, LoadOptions{})
	a := findAssert(t, s, "temp", "")
	got := struct {
		Source   string
		Steps    []string
		Severity Severity
		Abort    bool
		Sustain  time.Duration
	}{a.ConditionSource, a.Steps, a.Severity, a.Abort, a.Sustain}
	want := got
	want.Source, want.Steps, want.Severity, want.Abort, want.Sustain = "gpu.temperature.max   <   80", []string{"one"}, SeverityWarn, true, 5*time.Second
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("assert (-want +got):\n%s", diff)
	}
	if a.ErrorMessage == nil || a.EvalCtx != s.EvalCtx {
		t.Errorf("ErrorMessage %v, EvalCtx is scenario's: %v", a.ErrorMessage, a.EvalCtx == s.EvalCtx)
	}
	if p := findAssert(t, s, "p95", ""); p.Severity != SeverityFail || p.Abort || p.Sustain != 0 || p.Steps != nil {
		t.Errorf("defaults: %+v", p)
	}
}

// TestVariablePrecedence checks defaults < --var-file < HARNESS_VAR_ < --var,
// in order within each source, and conversion to the declared type.
func TestVariablePrecedence(t *testing.T) {
	dir := t.TempDir()
	f1 := filepath.Join(dir, "a.hcl")
	f2 := filepath.Join(dir, "b.hcl")
	writeFile(t, f1, "users = 5\nhost = \"file-a\"\nlevels = [1]\n")
	writeFile(t, f2, "host = \"file-b\"\nname = \"from-file\"\n")
	src := base + `
variable "users" {
  type    = number
  default = 1
}
variable "host" { default = "default" }
variable "name" { default = "default" }
variable "levels" {
  type    = list(number)
  default = []
}
variable "flag" {
  type    = bool
  default = false
}
locals {
  total = var.users * 2
  label = "${local.prefix}-${var.name}"
  prefix = upper(var.host)
}
step "one" {
  users    = local.total
  duration = "10s"
}`
	tests := []struct {
		name    string
		opts    LoadOptions
		want    map[string]cty.Value
		sources map[string]string
	}{
		{
			name: "defaults",
			want: map[string]cty.Value{"users": cty.NumberIntVal(1), "host": cty.StringVal("default"), "name": cty.StringVal("default"), "levels": cty.ListValEmpty(cty.Number), "flag": cty.False},
		},
		{
			name: "files in order",
			opts: LoadOptions{VarFiles: []string{f1, f2}},
			want: map[string]cty.Value{"users": cty.NumberIntVal(5), "host": cty.StringVal("file-b"), "name": cty.StringVal("from-file"), "levels": cty.ListVal([]cty.Value{cty.NumberIntVal(1)}), "flag": cty.False},
		},
		{
			name: "env over file, cli over env",
			opts: LoadOptions{
				VarFiles: []string{f1, f2},
				Environ: func() []string {
					return []string{"HARNESS_VAR_host=env", "HARNESS_VAR_users=7", "HARNESS_VAR_unknown=x", "HARNESS_VAR_flag=true"}
				},
				Vars: []string{"users=10", "users=12", "levels=[1, 2]"},
			},
			want:    map[string]cty.Value{"users": cty.NumberIntVal(12), "host": cty.StringVal("env"), "name": cty.StringVal("from-file"), "levels": cty.ListVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)}), "flag": cty.True},
			sources: map[string]string{"users": "cli", "host": "env", "name": "var-file", "levels": "cli", "flag": "env"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustLoad(t, src, tc.opts)
			got := map[string]cty.Value{}
			sources := map[string]string{}
			for _, v := range s.Variables {
				got[v.Name] = v.Value
				sources[v.Name] = v.Source
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) })); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if tc.sources != nil {
				if diff := cmp.Diff(tc.sources, sources); diff != "" {
					t.Errorf("sources (-want +got):\n%s", diff)
				}
			}
			users, _ := got["users"].AsBigFloat().Int64()
			if s.Steps[0].Users != int(users)*2 {
				t.Errorf("local.total: step users = %d, want %d", s.Steps[0].Users, users*2)
			}
		})
	}
}

// TestVariableErrors covers what goes wrong with values given outside the file.
// notUTF8VarFile stands for a var-file TestVariableErrors writes.
const notUTF8VarFile = "<not UTF-8>"

func TestVariableErrors(t *testing.T) {
	src := base + `
variable "users" { type = number }
step "one" {
  users    = var.users
  duration = "10s"
}`
	tests := []struct {
		name string
		opts LoadOptions
		want string // a substring of the rendered diagnostics
	}{
		{"unset", LoadOptions{}, "Set it with --var users=…, --var-file, or HARNESS_VAR_users"},
		{"undeclared", LoadOptions{Vars: []string{"users=1", "userz=2"}}, `Value for undeclared variable`},
		{"undeclared suggests", LoadOptions{Vars: []string{"users=1", "userz=2"}}, `Did you mean "users"?`},
		{"not a number", LoadOptions{Vars: []string{"users=many"}}, "Invalid value for variable"},
		{"no equals", LoadOptions{Vars: []string{"users"}}, "Invalid --var option"},
		{"missing file", LoadOptions{Vars: []string{"users=1"}, VarFiles: []string{"/nonexistent/vars.hcl"}}, "Cannot read variables file"},
		// Latin-1 in a comment: HCL reads it without a word.
		{"var-file not UTF-8", LoadOptions{VarFiles: []string{notUTF8VarFile}}, "vars.hcl:1:16: error: Invalid character encoding"},
	}
	dir := t.TempDir()
	for i := range tests {
		if tests[i].opts.VarFiles != nil && tests[i].opts.VarFiles[0] == notUTF8VarFile {
			path := filepath.Join(dir, "vars.hcl")
			writeFile(t, path, "users = 1 # caf\xe9\n")
			tests[i].opts.VarFiles = []string{path}
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Environ = noEnv
			s, diags := LoadBytes("test.hcl", []byte(src), tc.opts)
			if !diags.HasErrors() {
				t.Fatalf("LoadBytes with %+v: no error, want %q", tc.opts, tc.want)
			}
			if out := renderDiags(s, diags); !strings.Contains(out, tc.want) {
				t.Errorf("LoadBytes with %+v:\n%s\nwant it to contain %q", tc.opts, out, tc.want)
			}
		})
	}
}

// TestSuggestions pins the "did you mean" details the issue names.
func TestSuggestions(t *testing.T) {
	tests := []struct{ src, want string }{
		{base + "step \"s\" {\n userz = 10\n duration = \"1s\"\n}", `Did you mean "users"?`},
		{base + "step \"s\" {\n users = 1\n duration = \"1s\"\n}\nassert \"a\" { condition = latency.p59 < 1 }", "latency has no field p59; did you mean p95"},
		{base + "step \"s\" {\n users = 1\n duration = \"1s\"\n}\nassert \"a\" { condition = gpuu.temperature.max < 1 }", `Did you mean "gpu"?`},
		{base + "sampler \"nvm\" \"g\" {}\nstep \"s\" {\n users = 1\n duration = \"1s\"\n}", `use nvml, triton, dcgm, prometheus or vllm. Did you mean "nvml"?`},
	}
	for _, tc := range tests {
		s, diags := LoadBytes("t.hcl", []byte(tc.src), LoadOptions{Environ: noEnv})
		if out := renderDiags(s, diags); !strings.Contains(out, tc.want) {
			t.Errorf("LoadBytes(%q):\n%s\nwant it to contain %q", tc.src, out, tc.want)
		}
	}
}

func TestLoadFileMissing(t *testing.T) {
	s, diags := LoadFile("/nonexistent/x.hcl", LoadOptions{})
	if s == nil || s.Files == nil || !diags.HasErrors() {
		t.Fatalf("LoadFile(missing) = %v, %v", s, diags)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cmpIgnoreRanges leaves DeclRange fields out of comparisons.
func cmpIgnoreRanges() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().Type() == typeOfRange
	}, cmp.Ignore())
}

var typeOfRange = reflect.TypeOf(hcl.Range{})

// TestDuplicatePointsAtFirst: a duplicate names the first definition's line.
func TestDuplicatePointsAtFirst(t *testing.T) {
	src := base + "step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\nstep \"s\" {\n  users = 2\n  duration = \"1s\"\n}\n"
	s, diags := LoadBytes("dup.hcl", []byte(src), LoadOptions{Environ: noEnv})
	out := renderDiags(s, diags)
	if !strings.Contains(out, "dup.hcl:9:6: error: Duplicate step") || !strings.Contains(out, "first defined at dup.hcl:5") {
		t.Errorf("duplicate step:\n%s", out)
	}
}

// TestGetenvReachesFunctions: env() reads through LoadOptions.Getenv.
func TestGetenvReachesFunctions(t *testing.T) {
	src := base + `
target "auth" {
  url     = "http://127.0.0.1:8000/"
  headers = { Authorization = "Bearer ${env("API_TOKEN")}" }
}
step "s" {
  target   = "auth"
  users    = 1
  duration = "1s"
}`
	s := mustLoad(t, src, LoadOptions{Getenv: func(k string) (string, bool) {
		if k == "API_TOKEN" {
			return "secret", true
		}
		return "", false
	}})
	if got := s.Targets[1].Headers["Authorization"]; got != "Bearer secret" {
		t.Errorf("Authorization = %q", got)
	}
}

// TestDuplicateNames: every kind of name reports its duplicate the same way,
// on the later name and pointing at the first one's line and column.
func TestDuplicateNames(t *testing.T) {
	tests := []struct {
		name, src, summary, first string
	}{
		{"variable", "variable \"v\" {\n  default = 1\n}\nvariable \"v\" {\n  default = 2\n}\n", "Duplicate variable", "dup.hcl:1:10"},
		{"local", "locals {\n  x = 1\n}\nlocals {\n  x = 2\n}\n", "Duplicate local value", "dup.hcl:2:3"},
		{"target", "target \"api\" { url = \"http://127.0.0.1:1/\" }\n", "Duplicate target", "dup.hcl:3:8"},
		{"health", "health \"h\" { url = \"http://127.0.0.1:1/\" }\nhealth \"h\" { url = \"http://127.0.0.1:2/\" }\n", "Duplicate health", "dup.hcl:1:8"},
		{"sampler", "sampler \"nvml\" \"g\" {}\nsampler \"nvml\" \"g\" {}\n", "Duplicate sampler", "dup.hcl:1:16"},
		{"step", "step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\nstep \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n", "Duplicate step", "dup.hcl:1:6"},
		{"assert", "assert \"p95\" { condition = latency.p95 < 1 }\n", "Duplicate assert", "dup.hcl:4:8"},
		{"nested assert", "step \"s\" {\n  users = 1\n  duration = \"1s\"\n  assert \"a\" { condition = true }\n  assert \"a\" { condition = true }\n}\n", "Duplicate assert", "dup.hcl:4:10"},
		{"extract", "target \"t\" {\n  url = \"http://127.0.0.1:1/\"\n  extract \"x\" { json = \"a\" }\n  extract \"x\" { json = \"b\" }\n}\n", "Duplicate extract", "dup.hcl:3:11"},
		{"series", "sampler \"prometheus\" \"p\" {\n  url = \"http://127.0.0.1:1/\"\n  series \"s\" {}\n  series \"s\" {}\n}\n", "Duplicate series", "dup.hcl:3:10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src + base + "step \"z\" {\n  target = \"api\"\n  users = 1\n  duration = \"1s\"\n}\n"
			if tt.name == "target" || tt.name == "assert" {
				src = base + tt.src + "step \"z\" {\n  target = \"api\"\n  users = 1\n  duration = \"1s\"\n}\n"
			}
			_, diags := LoadBytes("dup.hcl", []byte(src), LoadOptions{Environ: noEnv})
			var got []*hcl.Diagnostic
			for _, d := range diags {
				if strings.HasPrefix(d.Summary, "Duplicate") {
					got = append(got, d)
				}
			}
			if len(got) != 1 || got[0].Summary != tt.summary || got[0].Subject == nil ||
				!strings.Contains(got[0].Detail, "first defined at "+tt.first+";") {
				t.Fatalf("want one %q pointing at %s, got %v", tt.summary, tt.first, diags)
			}
		})
	}
}

// TestVariableWrongType: a value of the wrong type, from any source, gets
// exactly one diagnostic naming the variable, its type and the value (and
// no "No value for required variable" besides).
func TestVariableWrongType(t *testing.T) {
	src := base + `
variable "users" { type = number }
variable "on" { type = bool }
variable "secret" {
  type      = number
  sensitive = true
}
variable "name" { type = string }
step "one" {
  users    = var.users
  duration = "10s"
}`
	dir := t.TempDir()
	varFile := filepath.Join(dir, "vars.hcl")
	writeFile(t, varFile, "users = 1\non = true\nsecret = 1\nname = fast\n")
	tests := []struct {
		name string
		opts LoadOptions
		want string
	}{
		{"number", LoadOptions{Vars: []string{"users=many", "on=true", "secret=1", "name=x"}},
			`--var users sets variable "users" of type number to "many": it is not a number.`},
		{"bool", LoadOptions{Vars: []string{"users=1", "on=maybe", "secret=1", "name=x"}},
			`--var on sets variable "on" of type bool to "maybe": it is not true or false.`},
		{"sensitive", LoadOptions{Vars: []string{"users=1", "on=true", "secret=hunter2", "name=x"}},
			`--var secret sets variable "secret" of type number to (sensitive value): it is not a number.`},
		{"env", LoadOptions{Vars: []string{"on=true", "secret=1", "name=x"}, Environ: func() []string { return []string{"HARNESS_VAR_users=zero"} }},
			`environment variable HARNESS_VAR_users sets variable "users" of type number to "zero": it is not a number.`},
		{"var-file", LoadOptions{VarFiles: []string{varFile}},
			varFile + ` sets variable "name" of type string to "fast": a var-file value is an HCL value: quote a string.`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Environ == nil {
				tc.opts.Environ = noEnv
			}
			s, diags := LoadBytes("test.hcl", []byte(src), tc.opts)
			if len(diags) != 1 || diags[0].Detail != tc.want {
				t.Errorf("got:\n%s\nwant exactly one error: %s", renderDiags(s, diags), tc.want)
			}
			if strings.Contains(renderDiags(s, diags), "hunter2") {
				t.Errorf("the sensitive value is shown")
			}
		})
	}
}

// TestLimitMessages pins the messages of the limits on one process's load,
// which name the limit and what to do.
func TestLimitMessages(t *testing.T) {
	tests := []struct{ step, want string }{
		{"users = 1e6\n  duration = \"1s\"", "users = 1000000: at most 50000 users per harness process; split larger loads across several processes."},
		{"rate = 1e300\n  duration = \"1s\"", "rate = 1e+300: at most 100000 requests per second per harness process; split larger loads across several processes."},
		{"rate = 1e-300\n  duration = \"1s\"", "rate = 1e-300: at least 0.001 requests per second (one every 1000 s)."},
		{"users = 1\n  duration = \"9999999h\"", `duration = "9999999h" is longer than 168h (one week), the longest a duration may be.`},
		{"users = 1\n  duration = \"8d\"", `duration = "8d" is not a duration: write a number with a unit, such as "500ms", "10s" or "1m30s".`},
		{"users = 50000\n  ramp_rate = 0.001\n  duration = \"1s\"", `By the end of step "s" the scenario has run 13888h53m21s of ramps and steps; 168h (one week) is the most one run may take. Shorten the steps or split the scenario.`},
	}
	for _, tc := range tests {
		s, diags := LoadBytes("t.hcl", []byte(base+"step \"s\" {\n  "+tc.step+"\n}\n"), LoadOptions{Environ: noEnv})
		if len(diags) != 1 || diags[0].Detail != tc.want {
			t.Errorf("step {%s}:\n%s\nwant exactly one error: %s", tc.step, renderDiags(s, diags), tc.want)
		}
	}
}

// A file that is not UTF-8 is refused at its first stray byte, in load and
// in fmt alike: the lexer would fold the byte into the token beside it (a
// fuzz-found input "A=\xc4 " formatted into different tokens).
func TestNotUTF8(t *testing.T) {
	src := []byte("scenario {\n  name = \"caf\xe9\"\n}\n")
	_, diags := LoadBytes("latin1.hcl", src, LoadOptions{})
	_, fdiags := FormatFile("latin1.hcl", src)
	for _, d := range []hcl.Diagnostics{diags, fdiags} {
		if len(d) != 1 || d[0].Summary != "Invalid character encoding" || d[0].Subject == nil ||
			d[0].Subject.Start.Line != 2 || d[0].Subject.Start.Column != 14 {
			t.Errorf("diagnostics %v, want one Invalid character encoding at latin1.hcl:2:14", d)
		}
	}
}
