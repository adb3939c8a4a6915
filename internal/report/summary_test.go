package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

func summaryFixture() *result.File {
	at := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
	return &result.File{
		Schema: result.Schema, Scenario: result.ScenarioInfo{Name: "ai-quality-capacity"},
		StartedAt: at, EndedAt: at.Add(2 * time.Minute), Verdict: result.VerdictAborted, Reason: "GPU reached 85 °C",
		Steps: []result.Step{
			{Name: "baseline", Model: "closed", Users: 1, Status: result.StepCompleted,
				Requests: result.Requests{Total: 15, OK: 15, RPS: 0.5, SuccessRate: fp(1)},
				Latency:  result.Latency{Min: fp(40.2), P50: fp(45), P90: fp(51.5), P95: fp(52), P99: fp(60.1), Max: fp(61)},
				Extract: map[string]result.Extract{
					"inference_ms": {Count: 15, Min: fp(8), P50: fp(9.5), P90: fp(11), P95: fp(11.2), P99: fp(12), Max: fp(12)},
				}},
			{Name: "open_50", Model: "open", Rate: 50, Status: result.StepAborted,
				Requests: result.Requests{Total: 900, OK: 880, Failed: 20, Dropped: 7, Timeouts: 5, RPS: 49.7, SuccessRate: fp(880.0 / 900)},
				Latency:  result.Latency{Min: fp(41), P50: fp(70), P90: fp(120), P95: fp(180.25), P99: fp(420), Max: fp(9999)},
				Errors: map[string]result.ErrorClass{
					"timeout": {Count: 5, Messages: []string{"context deadline exceeded"}},
					"status":  {Count: 15, Messages: []string{"unexpected status 503", "unexpected status 500"}},
				}},
			{Name: "users_200", Model: "closed", Users: 200, Status: result.StepNotRun},
		},
	}
}

func TestSummaryGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSummary(&buf, summaryFixture()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "summary.golden"), buf.Bytes())
}

func TestSummaryReturnsWriteError(t *testing.T) {
	if err := WriteSummary(brokenWriter{}, summaryFixture()); err == nil {
		t.Fatal("write error lost")
	}
}

// TestSummarySamplerGaps: a sampler that missed samples, or never started,
// is named in the summary with its counts; one that never missed is not.
func TestSummarySamplerGaps(t *testing.T) {
	for _, tc := range []struct {
		name   string
		infos  []result.SamplerInfo
		want   []string
		absent []string
	}{
		{"gaps", []result.SamplerInfo{
			{Name: "dcgm", Kind: "dcgm", Started: true, Samples: 60, Gaps: 7, FirstErrors: []string{"connection refused"}},
			{Name: "triton", Kind: "triton", Started: true, Samples: 67},
		}, []string{"samplers:\n", "  sampler dcgm: 7 gaps of 67 samples (first: connection refused)\n"}, []string{"sampler triton"}},
		{"not started", []result.SamplerInfo{
			{Name: "nvml", Kind: "nvml", Optional: true, Error: "NVML not found"},
		}, []string{"  sampler nvml: not started (NVML not found)\n"}, nil},
		{"all fine", []result.SamplerInfo{{Name: "triton", Kind: "triton", Started: true, Samples: 67}},
			nil, []string{"samplers:", "gaps"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := summaryFixture()
			f.Samplers = tc.infos
			var buf bytes.Buffer
			if err := WriteSummary(&buf, f); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("summary lacks %q:\n%s", w, out)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(out, a) {
					t.Errorf("summary has %q:\n%s", a, out)
				}
			}
		})
	}
}

// TestSummaryLoad: a step's level reads as the plan prints it, a split
// rate (a segment's 100/3) included.
func TestSummaryLoad(t *testing.T) {
	for _, c := range []struct {
		st   result.Step
		want string
	}{
		{result.Step{Model: result.ModelOpen, Rate: 20}, "20/s"},
		{result.Step{Model: result.ModelOpen, Rate: 100.0 / 3}, "33.33/s"},
		{result.Step{Model: result.ModelOpen, Rate: 2.5}, "2.5/s"},
		{result.Step{Model: result.ModelClosed, Users: 40}, "40 users"},
	} {
		if got := summaryLoad(c.st); got != c.want {
			t.Errorf("summaryLoad(%+v) = %q, want %q", c.st, got, c.want)
		}
	}
}
