package report

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

func liveTicks(samples bool) []result.Tick {
	at := time.Date(2026, 11, 27, 21, 0, 0, 0, time.UTC)
	var ticks []result.Tick
	for i := 0; i < 23; i++ {
		tk := result.Tick{
			Time: at.Add(time.Duration(i) * time.Second), Elapsed: time.Duration(i+1) * time.Second,
			Step: "users_100_with_a_long_name", StepIndex: 0, StepCount: 2, Phase: "ramp",
			StepElapsed: time.Duration(i+1) * time.Second, StepTotal: 70 * time.Second,
			Users: 10 * (i + 1), RPS: 50.5, P50: fp(12.25), P95: fp(40), Errors: int64(i % 3),
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
		if samples {
			tk.Samples = map[string]float64{"gpu.utilization": 87, "gpu.temperature": 71.5, "triton.queue_ms": 1.25}
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

func fp(f float64) *float64 { return &f }

func TestLiveGolden(t *testing.T) {
	for _, tc := range []struct {
		name     string
		tty      bool
		samplers bool
	}{
		{"live_plain.golden", false, false},
		{"live_tty_samplers.golden", true, true},
	} {
		var buf bytes.Buffer
		l := NewLive(&buf, tc.tty)
		for _, tk := range liveTicks(tc.samplers) {
			l.Tick(tk)
		}
		if l.Err() != nil {
			t.Fatal(l.Err())
		}
		golden.Check(t, filepath.Join("testdata", tc.name), buf.Bytes())
	}
}

type brokenWriter struct{}

func (brokenWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestLiveKeepsWriteError(t *testing.T) {
	l := NewLive(brokenWriter{}, false)
	l.Tick(liveTicks(false)[0])
	if l.Err() == nil {
		t.Fatal("write error lost")
	}
}
