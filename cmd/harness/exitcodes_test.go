package main

import (
	"bytes"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// Every exit code of docs/cli.md, reached through `harness run` in process
// against servers on 127.0.0.1, with the results file a user would open.

// countingServer answers 200 to everything and counts what it was sent, so a
// test can say "nothing was sent".
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// closedPort returns a loopback address nothing listens on: a port the
// kernel handed out and that was closed again at once.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// runHarness runs one harness command line in process, cancelled with the
// test, and returns its exit code, stdout and stderr.
func runHarness(t *testing.T, args ...string) (exitcode.Code, string, string) {
	t.Helper()
	return runHarnessEnv(t, nil, args...)
}

// runHarnessEnv is runHarness with env as the process environment
// (HARNESS_VAR_… variables).
func runHarnessEnv(t *testing.T, env []string, args ...string) (exitcode.Code, string, string) {
	t.Helper()
	var stdout, stderr syncBuffer
	a := &app{stdout: &stdout, stderr: &stderr, ctx: t.Context(), environ: func() []string { return env }}
	code := a.run(args)
	return code, stdout.String(), stderr.String()
}

// scenarioRun is where runScenario's results file went and what it printed.
type scenarioRun struct {
	out, stdout, stderr string
}

// runScenario runs `harness run file --quiet --out DIR/results.json` plus
// extra arguments, stops the test unless it exits with want, checks that
// stdout names the results file, and returns that file read back.
func runScenario(t *testing.T, file string, want exitcode.Code, extra ...string) (*result.File, scenarioRun) {
	t.Helper()
	r := scenarioRun{out: filepath.Join(t.TempDir(), "results.json")}
	var code exitcode.Code
	code, r.stdout, r.stderr = runHarness(t, append([]string{"run", file, "--quiet", "--out", r.out}, extra...)...)
	if code != want {
		t.Fatalf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, want, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "results: "+r.out) {
		t.Errorf("stdout lacks %q:\n%s", "results: "+r.out, r.stdout)
	}
	return readResults(t, r.out), r
}

// readResults decodes the results file at path and checks it was written
// atomically: no temporary file is left beside it.
func readResults(t *testing.T, path string) *result.File {
	t.Helper()
	f, err := result.ReadFile(path)
	if err != nil {
		t.Fatalf("results file: %v", err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left beside the results", e.Name())
		}
	}
	return f
}

// findAssertion returns the entry of assert name on step.
func findAssertion(t *testing.T, f *result.File, name, step string) result.Assertion {
	t.Helper()
	for _, a := range f.Assertions {
		if a.Name == name && a.Step == step {
			return a
		}
	}
	t.Fatalf("no assertion %q on step %q in %+v", name, step, f.Assertions)
	return result.Assertion{}
}

// shortScenario is one 2 s closed-model step against url with the given
// assert blocks (and any extra top-level blocks).
// passingScenario is shortScenario with one fail assertion any working
// server meets.
func passingScenario(url string) string {
	return shortScenario(url, `
assert "p95" {
  condition = latency.p95 < 5000
}
`)
}

func shortScenario(url, blocks string) string {
	return `scenario {
  name = "codes"
}
target "t" {
  url = "` + url + `"
}
step "s" {
  users    = 4
  pace     = "200ms"
  duration = "2s"
}
` + blocks
}

func TestExitPassWritesResultsAndJUnit(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	file := writeScenario(t, passingScenario(srv.URL))
	junit := filepath.Join(t.TempDir(), "junit.xml")
	f, run := runScenario(t, file, exitcode.OK, "--junit", junit)
	if f.Verdict != result.VerdictPass || f.ExitCode != 0 {
		t.Errorf("verdict %q exit_code %d, want pass 0", f.Verdict, f.ExitCode)
	}
	if len(f.Steps) != 1 || f.Steps[0].Status != result.StepCompleted || f.Steps[0].Requests.OK == 0 {
		t.Errorf("steps = %+v, want one completed step with successful requests", f.Steps)
	}
	if got := sent.Load(); got < f.Steps[0].Requests.OK {
		t.Errorf("server saw %d requests, results say %d ok", got, f.Steps[0].Requests.OK)
	}
	if a := findAssertion(t, f, "p95", "s"); a.Status != result.StatusPass {
		t.Errorf("p95 status %q, want pass", a.Status)
	}
	if !strings.Contains(run.stdout, "junit: "+junit) {
		t.Errorf("stdout lacks %q:\n%s", "junit: "+junit, run.stdout)
	}
	suites := readJUnit(t, junit)
	if suites.Tests != 1 || suites.Failures != 0 || len(suites.Suites) != 1 || suites.Suites[0].Name != "s" {
		t.Errorf("junit = %+v, want one suite %q with one passing test", suites, "s")
	}
}

// junitFile is the part of a JUnit report a CI reporter reads.
type junitFile struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Tests int    `xml:"tests,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("junit file: %v", err)
	}
	var j junitFile
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatalf("junit file does not parse: %v\n%s", err, data)
	}
	return j
}

func TestExitFailOnBreach(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, `
assert "impossible" {
  condition     = latency.p95 < 0.001
  error_message = "p95 is ${latency.p95} ms"
}
`))
	junit := filepath.Join(t.TempDir(), "junit.xml")
	f, run := runScenario(t, file, exitcode.Failed, "--junit", junit)
	if f.Verdict != result.VerdictFail || f.ExitCode != 1 {
		t.Errorf("verdict %q exit_code %d, want fail 1", f.Verdict, f.ExitCode)
	}
	a := findAssertion(t, f, "impossible", "s")
	p95, ok := a.Observed["latency.p95"].(float64)
	if a.Status != result.StatusFail || !ok || p95 <= 0 || !strings.Contains(a.Message, "p95 is ") {
		t.Errorf("assertion = %+v, want fail with latency.p95 observed and the message", a)
	}
	if !strings.Contains(run.stdout, "impossible") {
		t.Errorf("summary does not name the failed assertion:\n%s", run.stdout)
	}
	j := readJUnit(t, junit)
	if j.Failures != 1 || len(j.Suites) != 1 || len(j.Suites[0].Cases) != 1 || j.Suites[0].Cases[0].Failure == nil {
		t.Errorf("junit = %+v, want the one testcase failed", j)
	}
}

func TestExitWarnBreachKeepsZero(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, `
assert "p95" {
  condition = latency.p95 < 5000
}
assert "tight" {
  condition = latency.p95 < 0.001
  severity  = "warn"
}
`))
	f, _ := runScenario(t, file, exitcode.OK) // warn only
	if f.Verdict != result.VerdictPass {
		t.Errorf("verdict %q, want pass", f.Verdict)
	}
	if a := findAssertion(t, f, "tight", "s"); a.Status != result.StatusFail || a.Severity != "warn" {
		t.Errorf("tight = %+v, want a warn-severity fail", a)
	}
}

func TestExitUsageSendsNothing(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	for name, src := range map[string]string{
		"syntax":         shortScenario(srv.URL, "assert \"x\" {\n  condition = latency.p95 <\n}\n"),
		"users and rate": strings.Replace(shortScenario(srv.URL, ""), "users    = 4", "users = 4\n  rate = 5", 1),
		"unknown var":    shortScenario(srv.URL, "assert \"x\" {\n  condition = latency.p95 < var.nope\n}\n"),
	} {
		out := filepath.Join(t.TempDir(), "results.json")
		code, _, stderr := runHarness(t, "run", writeScenario(t, src), "--quiet", "--out", out)
		if code != exitcode.Usage {
			t.Errorf("%s: exit %d, want 2; stderr:\n%s", name, code, stderr)
		}
		if !strings.Contains(stderr, "s.hcl:") {
			t.Errorf("%s: no file:line diagnostic in stderr:\n%s", name, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: a results file was written for a scenario that did not load", name)
		}
	}
	if code, _, _ := runHarness(t, "run", "--no-such-flag", "x.hcl"); code != exitcode.Usage {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

// TestExitUsageAfterLoadWritesResults: a scenario that loads but cannot run
// (a ca_file that does not exist) sends nothing, exits 2, and still leaves a
// results file saying why.
func TestExitUsageAfterLoadWritesResults(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	src := strings.Replace(passingScenario(srv.URL), "url = \""+srv.URL+"\"", "url = \""+srv.URL+"\"\n  tls {\n    ca_file = \"no-such-ca.pem\"\n  }", 1)
	f, _ := runScenario(t, writeScenario(t, src), exitcode.Usage)
	if n := sent.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	if f.Verdict != result.VerdictError || f.ExitCode != 2 || !strings.Contains(f.Reason, "no-such-ca.pem") {
		t.Errorf("verdict %q exit_code %d reason %q, want error 2 naming the ca_file", f.Verdict, f.ExitCode, f.Reason)
	}
}

func TestExitPreconditionHealthTimeout(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, `
health "down" {
  url      = "http://`+closedPort(t)+`/health"
  timeout  = "1s"
  interval = "200ms"
}
assert "p95" {
  condition = latency.p95 < 5000
}
`))
	f, _ := runScenario(t, file, exitcode.Precondition)
	if n := sent.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	if f.Verdict != result.VerdictError || f.ExitCode != 3 || !strings.Contains(f.Reason, "down") {
		t.Errorf("verdict %q exit_code %d reason %q, want error 3 naming health \"down\"", f.Verdict, f.ExitCode, f.Reason)
	}
	if len(f.Steps) != 1 || f.Steps[0].Status != result.StepNotRun {
		t.Errorf("steps = %+v, want the step not run", f.Steps)
	}
}

func TestExitPreconditionSamplerCannotStart(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, `
sampler "triton" "tri" {
  url = "http://`+closedPort(t)+`/metrics"
}
assert "p95" {
  condition = latency.p95 < 5000
}
`))
	f, run := runScenario(t, file, exitcode.Precondition)
	if !strings.Contains(run.stderr, `sampler "tri"`) {
		t.Errorf("stderr does not name the sampler:\n%s", run.stderr)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	if f.Verdict != result.VerdictError || f.ExitCode != 3 {
		t.Errorf("verdict %q exit_code %d, want error 3", f.Verdict, f.ExitCode)
	}
	if len(f.Samplers) != 1 || f.Samplers[0].Started || f.Samplers[0].Error == "" {
		t.Errorf("samplers = %+v, want tri not started, with the reason", f.Samplers)
	}
}

func TestExitOutputError(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, passingScenario(srv.URL))
	notADir := filepath.Join(t.TempDir(), "x-file")
	if err := os.WriteFile(notADir, []byte("a regular file"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHarness(t, "run", file, "--quiet", "--out", filepath.Join(notADir, "results.json"))
	if code != exitcode.Internal {
		t.Fatalf("exit %d, want 4; stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "writing results") {
		t.Errorf("stderr does not say what failed:\n%s", stderr)
	}
	if !bytes.Equal(mustRead(t, notADir), []byte("a regular file")) {
		t.Error("the file in the way was changed")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
