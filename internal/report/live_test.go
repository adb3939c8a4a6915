package report

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

func liveTicks(n int, samplers []result.SamplerStatus, samples map[string]float64) []result.Tick {
	at := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
	var ticks []result.Tick
	for i := range n {
		tk := result.Tick{
			Time: at.Add(time.Duration(i) * time.Second), Elapsed: time.Duration(i+1) * time.Second,
			Step: "users_100_with_a_long_name", StepIndex: 0, StepCount: 2, Phase: "ramp",
			StepElapsed: time.Duration(i+1) * time.Second, StepTotal: 70 * time.Second,
			Users: 10 * (i + 1), RPS: 50.5, P50: fp(12.25), P95: fp(40), Errors: int64(i % 3),
			Samples: samples, Samplers: samplers,
		}
		if i >= 10 {
			tk.Phase = "measured"
		}
		if i == 5 {
			tk.P50, tk.P95 = nil, nil
		}
		if i >= 20 {
			tk.Step, tk.StepIndex, tk.Users, tk.Rate, tk.Dropped = "open_50", 1, 0, 37.5, 2
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

func fp(f float64) *float64 { return &f }

// allSamples has a value for every key the live console may show.
var allSamples = map[string]float64{
	"gpu.utilization": 87, "gpu.memory_utilization": 41, "gpu.memory_used_mib": 11378.8, "gpu.temperature": 71.5,
	"gpu.power_w": 312.25, "triton.rps": 48.5, "triton.queue_ms": 1.25, "triton.infer_ms": 8.125,
	"sampler.vllm.kv_cache": 0.4375, "sampler.vllm.preemptions.rate": 1234567, "sampler.vllm.preemptions": 9,
	"vllm.running": 48, "vllm.waiting": 7, "vllm.kv_cache_usage": 0.9375,
}

// The live table shows columns only for what the run samples.
func TestLiveGolden(t *testing.T) {
	vllm := result.SamplerStatus{Name: "vllm", Kind: "prometheus", Started: true, Series: []result.SeriesName{
		{Name: "kv_cache"}, {Name: "preemptions", Counter: true}}}
	engine := result.SamplerStatus{Name: "engine", Kind: "vllm", Started: true}
	for _, tc := range []struct {
		name      string
		tty       bool
		ticks     int
		samplers  []result.SamplerStatus
		streaming bool
	}{
		{"live_plain.golden", false, 23, nil, false},
		{"live_nvml.golden", true, 3, []result.SamplerStatus{{Name: "gpu", Kind: "nvml", Started: true}}, false},
		{"live_triton.golden", false, 3, []result.SamplerStatus{{Name: "tri", Kind: "triton", Started: true}}, false},
		{"live_prometheus.golden", false, 3, []result.SamplerStatus{vllm}, false},
		{"live_all.golden", true, 2, []result.SamplerStatus{{Name: "fleet", Kind: "dcgm", Started: true},
			{Name: "tri", Kind: "triton", Started: true}, vllm}, false},
		{"live_stream.golden", false, 3, []result.SamplerStatus{engine, {Name: "gpu", Kind: "nvml", Started: true}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := NewLive(&buf, tc.tty)
			for i, tk := range liveTicks(tc.ticks, tc.samplers, allSamples) {
				if tc.streaming {
					tk.Streaming, tk.TokensPerS = true, 1536
					if i != 1 { // a second in which no stream ended
						tk.TTFTP50 = fp(431.5)
					}
				}
				l.Tick(tk)
			}
			if l.Err() != nil {
				t.Fatal(l.Err())
			}
			golden.Check(t, filepath.Join("testdata", tc.name), buf.Bytes())
		})
	}
}

// A sampler whose data stopped arriving marks its columns and says for how
// long; the others' columns stay unmarked.
func TestLiveMarksStaleSampler(t *testing.T) {
	samplers := []result.SamplerStatus{{Name: "fleet", Kind: "dcgm", Started: true}, {Name: "tri", Kind: "triton", Started: true}}
	ticks := liveTicks(3, samplers, allSamples)
	ticks[1].Samplers = []result.SamplerStatus{{Name: "fleet", Kind: "dcgm", Started: true, NoData: 3600 * time.Millisecond,
		LastError: "connection refused"}, samplers[1]}
	// Later the stale values are dropped from Samples: the note remains.
	ticks[2].Samplers = ticks[1].Samplers
	ticks[2].Samples = map[string]float64{"triton.rps": 48.5}
	var buf bytes.Buffer
	l := NewLive(&buf, false)
	for _, tk := range ticks {
		l.Tick(tk)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if strings.Contains(lines[1], "*") || strings.Contains(lines[1], "no data") {
		t.Errorf("current data marked stale:\n%s", lines[1])
	}
	for _, want := range []string{" 87*", " 312.2*", "  fleet: no data for 4 s"} {
		if !strings.Contains(lines[2], want) {
			t.Errorf("stale line lacks %q:\n%s", want, lines[2])
		}
	}
	if strings.Contains(lines[2], "48.5*") || strings.Contains(lines[2], "tri: no data") {
		t.Errorf("a current sampler is marked stale:\n%s", lines[2])
	}
	if !strings.HasSuffix(lines[3], "fleet: no data for 4 s") || strings.Contains(lines[3], "*") {
		t.Errorf("dropped stale values:\n%s", lines[3])
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLiveKeepsWriteError(t *testing.T) {
	l := NewLive(brokenWriter{}, false)
	l.Tick(liveTicks(1, nil, nil)[0])
	if l.Err() == nil {
		t.Fatal("write error lost")
	}
}
