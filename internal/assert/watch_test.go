package assert

import (
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// reading is one Check: the GPU temperature at that second (nil = no sample)
// and whether the watch must say abort.
type reading struct {
	temp  *float64
	abort bool
}

func hot() *float64  { return fp(85) }
func cool() *float64 { return fp(70) }

func tempAbort(t *testing.T, sustain time.Duration) *dsl.Assert {
	a := mkAssert(t, "gpu_temperature", "gpu.temperature.max < 80", "GPU reached ${gpu.temperature.max} °C")
	a.Abort, a.Sustain = true, sustain
	return a
}

// TestWatchSustain drives Check once a second with injected times.
func TestWatchSustain(t *testing.T) {
	cases := []struct {
		name     string
		sustain  time.Duration
		readings []reading
	}{
		{"sustain 0 aborts at once", 0, []reading{{cool(), false}, {hot(), true}}},
		{"sustain met", 3 * time.Second, []reading{
			{cool(), false}, {hot(), false}, {hot(), false}, {hot(), false}, {hot(), true}}},
		{"sustain not met", 3 * time.Second, []reading{
			{hot(), false}, {hot(), false}, {hot(), false}, {cool(), false}, {cool(), false}}},
		{"recovery resets the clock", 3 * time.Second, []reading{
			{hot(), false}, {hot(), false}, {cool(), false}, {hot(), false}, {hot(), false},
			{hot(), false}, {hot(), true}}},
		{"unknown neither breaches nor resets", 3 * time.Second, []reading{
			{hot(), false}, {nil, false}, {nil, false}, {hot(), true}}},
		{"unknown alone never aborts", 0, []reading{{nil, false}, {nil, false}, {nil, false}}},
	}
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := NewWatch(scenario([]string{"users_100"}, tempAbort(t, c.sustain)))
			for i, r := range c.readings {
				step := fullStep("users_100")
				step.GPU.Temperature.Max = r.temp
				abort, reason := w.Check(step, t0.Add(time.Duration(i)*time.Second))
				if abort != r.abort {
					t.Fatalf("Check at %ds = %v (%q), want %v", i, abort, reason, r.abort)
				}
			}
		})
	}
}

func TestWatchReason(t *testing.T) {
	w := NewWatch(scenario([]string{"users_100"}, tempAbort(t, 2*time.Second)))
	step := fullStep("users_100")
	step.GPU.Temperature.Max = fp(83.5)
	t0 := time.Unix(1000, 0)
	for i := range 3 {
		abort, reason := w.Check(step, t0.Add(time.Duration(i)*time.Second))
		if i < 2 {
			continue
		}
		want := `abort: assert "gpu_temperature" (gpu.temperature.max < 80) was false in step users_100 for 2s (sustain 2s): gpu.temperature.max = 83.5: GPU reached 83.5 °C`
		if !abort || reason != want {
			t.Errorf("Check = %v %q,\nwant true %q", abort, reason, want)
		}
	}
}

// TestWatchScope: only abort asserts applying to the step are watched, and
// a new step starts every clock afresh.
func TestWatchScope(t *testing.T) {
	notAbort := mkAssert(t, "p95", "latency.p95 < 1", "")
	other := tempAbort(t, 0)
	other.Name, other.Steps = "other_step", []string{"users_200"}
	sustained := tempAbort(t, 2*time.Second)
	w := NewWatch(scenario([]string{"users_100", "users_200"}, notAbort, other, sustained))
	if !w.Active() {
		t.Fatal("Active() = false with abort asserts")
	}
	t0 := time.Unix(0, 0)
	hotStep := func(name string) result.Step {
		s := fullStep(name)
		s.GPU.Temperature.Max = hot()
		return s
	}
	if abort, reason := w.Check(hotStep("users_100"), t0); abort {
		t.Fatalf("aborted by a non-abort or other-step assert: %s", reason)
	}
	w.Check(hotStep("users_100"), t0.Add(time.Second))
	// users_200 begins: other_step (sustain 0) fires; the sustained clock restarts.
	abort, reason := w.Check(hotStep("users_200"), t0.Add(2*time.Second))
	if !abort || !strings.Contains(reason, `"other_step"`) {
		t.Errorf("Check(users_200) = %v %q, want abort by other_step", abort, reason)
	}
	w2 := NewWatch(scenario([]string{"a", "b"}, tempAbort(t, 2*time.Second)))
	w2.Check(hotStep("a"), t0)
	w2.Check(hotStep("a"), t0.Add(time.Second))
	if abort, reason := w2.Check(hotStep("b"), t0.Add(2*time.Second)); abort {
		t.Errorf("a breach in step a carried into step b: %s", reason)
	}
	if NewWatch(scenario(nil, notAbort)).Active() {
		t.Error("Active() = true with no abort assert")
	}
}
