package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// splitScenario has an open step of exactly 30 arrivals and a paced closed
// step of 5 users, against url.
func splitScenario(url string) string {
	return `scenario {
  name = "split"
}
target "t" {
  url = "` + url + `"
}
step "open" {
  rate     = 30
  duration = "1s"
}
step "paced" {
  users    = 5
  pace     = "250ms"
  duration = "1s"
}
assert "p95" {
  condition = latency.p95 < 5000
}
`
}

// runSegments runs `harness run file --segment i/n` for every i at once, all
// starting together (--start-at), and returns the parts' results paths.
func runSegments(t *testing.T, file string, n int) []string {
	t.Helper()
	dir := t.TempDir()
	start := time.Now().Add(700 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	paths := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		paths[i] = filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
		wg.Go(func() {
			code, _, stderr := runHarness(t, "run", file, "--quiet", "--segment", fmt.Sprintf("%d/%d", i, n), "--start-at", start, "--out", paths[i])
			if code != exitcode.OK {
				t.Errorf("segment %d/%d: exit %d\n%s", i, n, code, stderr)
			}
		})
	}
	wg.Wait()
	return paths
}

// TestSegmentsSumToServerCount: three segment processes together send what
// the server counts, the open step's 30 arrivals exactly, each part marked
// with its segment and start time.
func TestSegmentsSumToServerCount(t *testing.T) {
	t.Parallel()
	srv, count := countingServer(t)
	file := writeScenario(t, splitScenario(srv.URL))
	paths := runSegments(t, file, 3)
	var total, open int64
	wantOpen := []int64{10, 10, 10}
	wantUsers := []int{2, 2, 1}
	for i, p := range paths {
		f := readResults(t, p)
		if f.Segment == nil || *f.Segment != (result.Segment{Index: i, Count: 3}) {
			t.Errorf("part %d: segment = %+v, want {%d 3}", i, f.Segment, i)
		}
		if f.StartAt == nil {
			t.Errorf("part %d: no start_at", i)
		}
		for _, st := range f.Steps {
			total += st.Requests.Total + st.Requests.Dropped
			if st.RampRequests != nil {
				total += st.RampRequests.Total
			}
		}
		if got := f.Steps[0].Requests.Total; got != wantOpen[i] {
			t.Errorf("part %d: open step sent %d, want %d", i, got, wantOpen[i])
		}
		open += f.Steps[0].Requests.Total
		if got := f.Steps[1].Users; got != wantUsers[i] {
			t.Errorf("part %d: paced step users = %d, want %d", i, got, wantUsers[i])
		}
	}
	if open != 30 {
		t.Errorf("open step: parts sent %d together, want 30", open)
	}
	if got := count.Load(); got != total {
		t.Errorf("server counted %d requests, parts recorded %d", got, total)
	}
}

func TestSegmentFlagErrors(t *testing.T) {
	t.Parallel()
	srv, count := countingServer(t)
	file := writeScenario(t, splitScenario(srv.URL))
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--segment", "3/3"}, "from 0 to 2"},
		{[]string{"--segment", "1"}, "want I/N"},
		{[]string{"--segment", "0/0"}, "N must be from 1"},
		{[]string{"--start-at", "tomorrow"}, "RFC 3339"},
		{[]string{"--start-at", past}, "in the past"},
	} {
		code, _, stderr := runHarness(t, append([]string{"run", file, "--quiet", "--out", filepath.Join(t.TempDir(), "r.json")}, tc.args...)...)
		if code != exitcode.Usage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	// A capacity search cannot be split: each probe's verdict needs every
	// part's results.
	search := writeScenario(t, splitScenario(srv.URL)+`
search "cap" {
  model    = "rate"
  start    = 5
  max      = 20
  duration = "2s"
  ramp     = "0s"
  asserts  = ["ok"]
}
assert "ok" { condition = requests.success_rate >= 1 }
`)
	code, _, stderr := runHarness(t, "run", search, "--quiet", "--segment", "0/2", "--out", filepath.Join(t.TempDir(), "r.json"))
	if code != exitcode.Usage || !strings.Contains(stderr, "cannot split a scenario with a search block") {
		t.Errorf("--segment with a search: exit %d, stderr %q; want 2 and the refusal", code, stderr)
	}
	code, stdout, stderr := runHarness(t, "plan", search, "--segment", "0/2")
	if code != exitcode.Usage || !strings.Contains(stderr, "cannot split a scenario with a search block") || stdout != "" {
		t.Errorf("plan --segment with a search: exit %d, stderr %q, stdout %q; want 2, the refusal and no plan", code, stderr, stdout)
	}
	if n := count.Load(); n != 0 {
		t.Errorf("server got %d requests from refused runs", n)
	}
}

// TestMergeSegments: three segment processes each fail an assertion on the
// whole step's count (each sent a third), and their merge passes it, with
// the merged counts equal to what the server received, as one run's would.
func TestMergeSegments(t *testing.T) {
	t.Parallel()
	srv, count := countingServer(t)
	file := writeScenario(t, splitScenario(srv.URL)+`
assert "all_arrivals" {
  steps     = ["open"]
  condition = requests.total == 30 && step.rate == 30
}
`)
	dir := t.TempDir()
	start := time.Now().Add(700 * time.Millisecond).UTC().Format(time.RFC3339Nano)
	paths := make([]string, 3)
	var wg sync.WaitGroup
	for i := range 3 {
		paths[i] = filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
		wg.Go(func() {
			// Each part sent 10 of the 30: its own verdict fails (exit 1).
			code, _, stderr := runHarness(t, "run", file, "--quiet", "--segment", fmt.Sprintf("%d/3", i), "--start-at", start, "--out", paths[i])
			if code != exitcode.Failed {
				t.Errorf("segment %d: exit %d, want 1\n%s", i, code, stderr)
			}
		})
	}
	wg.Wait()
	out, junit := filepath.Join(dir, "merged.json"), filepath.Join(dir, "junit.xml")
	code, stdout, stderr := runHarness(t, append([]string{"merge", "--out", out, "--junit", junit}, paths...)...)
	if code != exitcode.OK {
		t.Fatalf("merge: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	f := readResults(t, out)
	if f.Merge == nil || f.Merge.Count != 3 || len(f.Merge.Parts) != 3 || f.Segment != nil {
		t.Errorf("merge info %+v, segment %+v", f.Merge, f.Segment)
	}
	a := findAssertion(t, f, "all_arrivals", "open")
	if a.Status != result.StatusPass {
		t.Errorf("all_arrivals on the merge: %s (%s)", a.Status, a.Message)
	}
	var total int64
	for _, st := range f.Steps {
		total += st.Requests.Total
	}
	if got := count.Load(); got != total {
		t.Errorf("server counted %d requests, merge %d", got, total)
	}
	if f.Steps[1].Users != 5 || f.Steps[0].Rate != 30 {
		t.Errorf("merged levels: users %d rate %g, want 5 and 30", f.Steps[1].Users, f.Steps[0].Rate)
	}
	if f.Verdict != result.VerdictPass || f.ExitCode != 0 {
		t.Errorf("verdict %s exit %d", f.Verdict, f.ExitCode)
	}

	// Refusals exit 2 with the reason.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{paths[:2], "segment 2 of 3 missing"},
		{[]string{paths[0], paths[1], paths[1], paths[2]}, "overlapping"},
		{[]string{paths[0], out}, "merged results file"},
	} {
		code, _, stderr := runHarness(t, append([]string{"merge", "--out", filepath.Join(dir, "x.json")}, tc.args...)...)
		if code != exitcode.Usage || !strings.Contains(stderr, tc.want) {
			t.Errorf("merge %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	// The scenario must be the file the parts ran.
	other := writeScenario(t, splitScenario(srv.URL)+"\n# edited\n")
	code, _, stderr = runHarness(t, "merge", "--scenario", other, "--out", filepath.Join(dir, "y.json"), paths[0], paths[1], paths[2])
	if code != exitcode.Usage || !strings.Contains(stderr, "is not the file the parts ran") {
		t.Errorf("merge with an edited scenario: exit %d, stderr %q", code, stderr)
	}
	// --out - writes the merged file to standard output, as run's does, and
	// the console to standard error; no file named "-" appears.
	code, stdout, stderr = runHarness(t, append([]string{"merge", "--out", "-"}, paths...)...)
	var onStdout result.File
	if err := json.Unmarshal([]byte(stdout), &onStdout); code != exitcode.OK || err != nil || onStdout.Merge == nil || onStdout.Merge.Count != 3 {
		t.Errorf("merge --out -: exit %d, stdout is not the merged file (%v)\nstdout:\n%.300s", code, err, stdout)
	}
	if !strings.Contains(stderr, "results: - (stdout)") || strings.Contains(stdout, "results:") {
		t.Errorf("merge --out -: the console belongs on stderr\nstderr:\n%s", stderr)
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error(`merge --out - wrote a file named "-"`)
	}
	// --partial merges what there is; the count no longer holds.
	code, _, stderr = runHarness(t, "merge", "--partial", "--out", filepath.Join(dir, "p.json"), paths[0], paths[2])
	if code != exitcode.Failed {
		t.Errorf("partial merge: exit %d, want 1 (20 of 30 arrivals)\n%s", code, stderr)
	}
}

func TestK8sCommand(t *testing.T) {
	t.Parallel()
	file := writeScenario(t, splitScenario("http://127.0.0.1:9/"))
	code, stdout, stderr := runHarness(t, "k8s", file, "--parallelism", "4", "--image", "harness:dev", "--namespace", "load")
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"completionMode: Indexed", "completions: 4", "$(JOB_COMPLETION_INDEX)/4", "/results/part-3.json", "namespace: load", "name: harness-split-merge"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("manifest lacks %q:\n%s", want, stdout)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--parallelism", "2"}, "--image is required"},
		{[]string{"--image", "x"}, "--parallelism must be from 1"},
		{[]string{"--image", "x", "-n", "2", "--start-in", "1s"}, "at least 10s"},
		{[]string{"--image", "x", "-n", "2", "--name", "Not A Label"}, "DNS label"},
	} {
		code, _, stderr := runHarness(t, append([]string{"k8s", file}, tc.args...)...)
		if code != exitcode.Usage || !strings.Contains(stderr, tc.want) {
			t.Errorf("k8s %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestK8sCarriesFiles: the ConfigMap holds the scenario and each --var-file
// as the load read them.
func TestK8sCarriesFiles(t *testing.T) {
	t.Parallel()
	file := writeScenario(t, strings.Replace(splitScenario("http://127.0.0.1:9/"), "step \"open\"", "variable \"rate\" {\n  default = 30\n}\nstep \"open\"", 1))
	vars := filepath.Join(t.TempDir(), "load.hcl")
	if err := os.WriteFile(vars, []byte("rate = 12 # from the var file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runHarness(t, "k8s", file, "--parallelism", "2", "--image", "harness:dev", "--var-file", vars)
	if code != exitcode.OK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"rate = 12 # from the var file", `variable "rate" {`, "load.hcl: |", "/scenario/load.hcl"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("manifest lacks %q:\n%s", want, stdout)
		}
	}
}

// TestStartAtLate: a part begun after --start-at runs, and records how late.
func TestStartAtLate(t *testing.T) {
	t.Parallel()
	srv, _ := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, ""))
	at := time.Now().Add(-3 * time.Second).UTC().Format(time.RFC3339Nano)
	f, _ := runScenario(t, file, exitcode.OK, "--segment", "0/1", "--start-at", at)
	if f.StartAt == nil || f.StartLateS < 3 || f.StartLateS > 60 {
		t.Errorf("start_at %v, start_late_s %g: want about 3 s late", f.StartAt, f.StartLateS)
	}
	if !slices.ContainsFunc(f.Warnings, func(w string) bool { return strings.Contains(w, "after --start-at") }) {
		t.Errorf("warnings %q lack the late start", f.Warnings)
	}
	if f.Segment == nil || f.Segment.Count != 1 {
		t.Errorf("segment %+v, want 0/1", f.Segment)
	}
}

// TestStartAtInterrupted: a signal during the wait for --start-at ends the
// run with 130 and nothing sent.
func TestStartAtInterrupted(t *testing.T) {
	t.Parallel()
	srv, count := countingServer(t)
	file := writeScenario(t, shortScenario(srv.URL, ""))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	var stdout, stderr syncBuffer
	a := &app{stdout: &stdout, stderr: &stderr, ctx: ctx}
	out := filepath.Join(t.TempDir(), "r.json")
	code := a.run([]string{"run", file, "--quiet", "--out", out, "--start-at", time.Now().Add(time.Hour).UTC().Format(time.RFC3339)})
	if code != exitcode.Interrupted || !strings.Contains(stderr.String(), "waiting for --start-at") {
		t.Errorf("exit %d, stderr %q; want 130, interrupted while waiting", code, stderr.String())
	}
	if n := count.Load(); n != 0 {
		t.Errorf("server got %d requests", n)
	}
	if f := readResults(t, out); f.Verdict != result.VerdictInterrupted {
		t.Errorf("verdict %q, want interrupted", f.Verdict)
	}
}

// TestPlanSegment: plan --segment prints a part's share of every step.
func TestPlanSegment(t *testing.T) {
	t.Parallel()
	file := writeScenario(t, splitScenario("http://127.0.0.1:9/"))
	for _, tc := range []struct{ seg, users, rate string }{
		{"0/3", "2 users", "10 req/s"}, {"2/3", "1 user", "10 req/s"},
	} {
		code, stdout, stderr := runHarness(t, "plan", file, "--segment", tc.seg)
		if code != exitcode.OK || !strings.Contains(stdout, tc.users) || !strings.Contains(stdout, tc.rate) {
			t.Errorf("plan --segment %s: exit %d, want %q and %q in\n%s%s", tc.seg, code, tc.users, tc.rate, stdout, stderr)
		}
	}
	if code, _, stderr := runHarness(t, "plan", file, "--segment", "3/3"); code != exitcode.Usage || !strings.Contains(stderr, "from 0 to 2") {
		t.Errorf("plan --segment 3/3: exit %d, %q", code, stderr)
	}
}
