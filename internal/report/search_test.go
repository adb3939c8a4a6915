package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/search"
)

func fptr(v float64) *float64 { return &v }

func TestSearchSentence(t *testing.T) {
	infer := result.Assertion{Name: "infer", Status: result.StatusFail, Condition: "triton.infer_ms < 20",
		Observed: map[string]any{"triton.infer_ms": 21.3}}
	cases := []struct {
		s    result.Search
		want string
	}{
		{result.Search{Unit: "users", Status: result.SearchFound, Capacity: 104, FirstFailing: fptr(112), Probes: 9,
			DurationS: 270, Breached: []result.Assertion{infer}},
			"capacity at SLO: 104 users (first failing 112: triton.infer_ms 21.3 > 20); 9 probes, 4 min 30 s"},
		{result.Search{Unit: "req/s", Status: result.SearchAboveMax, Capacity: 400, Probes: 4, DurationS: 60},
			"capacity at SLO: at least 400 req/s (max passed); 4 probes, 1 min"},
		{result.Search{Unit: "users", Status: result.SearchBelowStart, Start: 10, FirstFailing: fptr(10), Probes: 1, DurationS: 35,
			Breached: []result.Assertion{{Name: "p95", Status: result.StatusFail, Condition: "latency.p95 < 500", Observed: map[string]any{"latency.p95": 612.4}}}},
			"capacity at SLO: below 10 users (start failed: latency.p95 612.4 > 500); 1 probe, 35 s"},
		{result.Search{Unit: "users", Status: result.SearchIncomplete, Capacity: 40, FirstFailing: fptr(80), Probes: 4, DurationS: 125},
			"capacity at SLO: not found, the search was stopped (bracket 40..80 users); 4 probes, 2 min 5 s"},
	}
	for _, tc := range cases {
		if got := SearchSentence(tc.s); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestWritePlanSearch(t *testing.T) {
	p := plan.Plan{
		Steps: []plan.Step{{Name: "warm", Model: dsl.Closed, Users: 5, Pace: 2 * time.Second, Duration: 10 * time.Second, End: 10 * time.Second}},
		Total: 10 * time.Second,
		Searches: []plan.Search{{Name: "max_users", Model: dsl.Closed, Unit: "users", After: 1, Pace: 2 * time.Second,
			Config: search.Config{Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Integer: true},
			Ramp:   5 * time.Second, Duration: 30 * time.Second, Asserts: []string{"p95"},
			WorstProbes: 13, WorstTime: 13 * 35 * time.Second}},
	}
	var b bytes.Buffer
	if err := WritePlan(&b, &dsl.Scenario{Name: "s"}, p); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"scenario s: 1 step and 1 search",
		"search max_users (closed, pace 2s, after step warm): 10 to 2000 users, growth ×2, precision 5 %",
		"each probe: ramp 5s, measured 30s, cooldown 0s; judged by p95",
		"at most 13 probes, 7m35s",
		"total wall time 10s, at most 7m45s with the searches",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
}

// TestLiveShowsProbe: a probe's tick ends with the search's note.
func TestLiveShowsProbe(t *testing.T) {
	tk := liveTicks(1, nil, nil)[0]
	tk.Step, tk.Note = "max_users/04", "search max_users probe 4 at 120 users, bracket 80..160"
	var b bytes.Buffer
	NewLive(&b, false).Tick(tk)
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); !strings.HasSuffix(lines[len(lines)-1], "  search max_users probe 4 at 120 users, bracket 80..160") {
		t.Errorf("live line:\n%s", b.String())
	}
}

// TestMatrixLeavesOutProbes: probes are not rows of the assertion matrix
// (their assertions never count); the search's own assert is.
func TestMatrixLeavesOutProbes(t *testing.T) {
	f := &result.File{
		Steps: []result.Step{{Name: "warm", Status: result.StepCompleted},
			{Name: "max_users/01", Status: result.StepCompleted, Probe: &result.Probe{Search: "max_users", Level: 10, Outcome: "fail"}}},
		Assertions: []result.Assertion{
			{Name: "p95", Step: "warm", Severity: result.SeverityFail, Status: result.StatusPass, Observed: map[string]any{"latency.p95": 12.0}},
			{Name: "floor", Step: "search max_users", Severity: result.SeverityFail, Status: result.StatusPass, Observed: map[string]any{"search.max_users.capacity": 104.0}},
		},
	}
	m := buildMatrix(f)
	if strings.Join(m.steps, ",") != "warm,search max_users" {
		t.Errorf("matrix rows = %v", m.steps)
	}
}

func TestBreach(t *testing.T) {
	cases := []struct {
		a    result.Assertion
		want string
	}{
		{result.Assertion{Name: "infer", Status: result.StatusFail, Condition: "triton.infer_ms < 20", Observed: map[string]any{"triton.infer_ms": 21.3}},
			"triton.infer_ms 21.3 > 20"},
		{result.Assertion{Name: "ok", Status: result.StatusFail, Condition: "requests.success_rate >= 1", Observed: map[string]any{"requests.success_rate": 0.98}},
			"requests.success_rate 0.98 < 1"},
		{result.Assertion{Name: "gpu", Status: result.StatusError, Condition: "gpu.temperature.max < 80", Observed: map[string]any{"gpu.temperature.max": nil}, Message: "no samples"},
			"gpu: no samples"},
		{result.Assertion{Name: "both", Status: result.StatusFail, Condition: "latency.p95 < 500 && latency.p99 < 900", Observed: map[string]any{"latency.p95": 600.0, "latency.p99": 950.0}},
			"both"},
	}
	for _, tc := range cases {
		if got := breach(tc.a); got != tc.want {
			t.Errorf("breach(%s) = %q, want %q", tc.a.Condition, got, tc.want)
		}
	}
}
