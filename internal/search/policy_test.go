package search

import (
	"fmt"
	"testing"

	"github.com/harness-gpu/harness/internal/result"
)

// run drives Next with an oracle until done and returns the levels probed.
func run(c Config, oracle func(float64) Outcome) ([]float64, Result) {
	var probes []Probe
	var levels []float64
	for i := 0; i < 200; i++ {
		d := Next(c, probes)
		if d.Done {
			return levels, d.Result
		}
		levels = append(levels, d.Level)
		probes = append(probes, Probe{Level: d.Level, Outcome: oracle(d.Level)})
	}
	panic("search did not finish")
}

func below(limit float64) func(float64) Outcome {
	return func(l float64) Outcome {
		if l <= limit {
			return Pass
		}
		return Fail
	}
}

func ptr(v float64) *float64 { return &v }

func TestSearch(t *testing.T) {
	users := Config{Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Integer: true}
	rate := Config{Start: 10, Max: 1000, Growth: 2, Precision: 0.05}
	cases := []struct {
		name   string
		c      Config
		oracle func(float64) Outcome
		levels []float64
		want   Result
	}{
		{"bracket then bisection to 5 %", users, below(104),
			[]float64{10, 20, 40, 80, 160, 120, 100, 110, 105},
			Result{Status: Found, Capacity: 100, FirstFailing: ptr(105)}},
		{"integer precision stops at adjacent users", Config{Start: 1, Max: 100, Growth: 2, Precision: 0.05, Integer: true}, below(5),
			[]float64{1, 2, 4, 8, 6, 5},
			Result{Status: Found, Capacity: 5, FirstFailing: ptr(6)}},
		{"rate bisects on reals", rate, below(116),
			[]float64{10, 20, 40, 80, 160, 120, 100, 110, 115},
			Result{Status: Found, Capacity: 115, FirstFailing: ptr(120)}},
		{"rate levels keep two decimals", Config{Start: 1, Max: 2, Growth: 1.5, Precision: 0.01}, below(1.7),
			[]float64{1, 1.5, 2, 1.75, 1.63, 1.69, 1.72, 1.71, 1.7},
			Result{Status: Found, Capacity: 1.7, FirstFailing: ptr(1.71)}},
		{"max reached", Config{Start: 10, Max: 50, Growth: 2, Precision: 0.05, Integer: true}, below(1e9),
			[]float64{10, 20, 40, 50},
			Result{Status: AboveMax, Capacity: 50, Probes: 4}},
		{"start fails", users, below(5),
			[]float64{10},
			Result{Status: BelowStart, Capacity: 0, FirstFailing: ptr(10), Probes: 1}},
		{"max fails after the cap", Config{Start: 10, Max: 50, Growth: 2, Precision: 0.1, Integer: true}, below(45),
			[]float64{10, 20, 40, 50, 45, 47},
			Result{Status: Found, Capacity: 45, FirstFailing: ptr(47), Probes: 6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			levels, got := run(c.c, c.oracle)
			// The Probes count in want includes those in levels; fill it.
			c.want.Probes = len(levels)
			if fmt.Sprint(levels) != fmt.Sprint(c.levels) {
				t.Errorf("levels = %v, want %v", levels, c.levels)
			}
			if !sameResult(got, c.want) {
				t.Errorf("result = %+v (first failing %v), want %+v (first failing %v)", got, deref(got.FirstFailing), c.want, deref(c.want.FirstFailing))
			}
			if ff := got.FirstFailing; ff != nil && got.Status == Found && !c.c.converged(got.Capacity, *ff) {
				t.Errorf("bracket %v..%v is wider than the precision", got.Capacity, *ff)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func sameResult(a, b Result) bool {
	return a.Status == b.Status && a.Capacity == b.Capacity && fmt.Sprint(deref(a.FirstFailing)) == fmt.Sprint(deref(b.FirstFailing)) &&
		a.Probes == b.Probes && a.Unstable == b.Unstable && a.NonMonotonic == b.NonMonotonic
}

// TestNextFromOutcomes pins decisions on given outcomes: unstable probes
// count as failing, and a pass above a failure is non-monotonic.
func TestNextFromOutcomes(t *testing.T) {
	c := Config{Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Integer: true}
	cases := []struct {
		name   string
		c      *Config // nil: c
		probes []Probe
		want   Decision
	}{
		{"first probe is start", nil, nil, Decision{Level: 10}},
		{"unstable counts as failing", nil, []Probe{{10, Pass}, {20, Pass}, {40, Unstable}},
			Decision{Level: 30, Result: Result{Capacity: 20, FirstFailing: ptr(40), Probes: 3, Unstable: 1}}},
		{"unstable start is below start", nil, []Probe{{10, Unstable}},
			Decision{Done: true, Result: Result{Status: BelowStart, FirstFailing: ptr(10), Probes: 1, Unstable: 1}}},
		{"non-monotonic: a pass above a failure", nil, []Probe{{10, Pass}, {20, Pass}, {40, Fail}, {30, Fail}, {25, Pass}, {27, Pass}, {35, Pass}},
			Decision{Level: 28, Result: Result{Capacity: 27, FirstFailing: ptr(30), Probes: 7, NonMonotonic: true}}},
		{"growth is at least one user", &Config{Start: 1, Max: 10, Growth: 1.2, Precision: 0.05, Integer: true}, []Probe{{1, Pass}},
			Decision{Level: 2, Result: Result{Capacity: 1, Probes: 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := c
			if tc.c != nil {
				cc = *tc.c
			}
			got := Next(cc, tc.probes)
			if got.Done != tc.want.Done || got.Level != tc.want.Level || !sameResult(got.Result, tc.want.Result) {
				t.Errorf("Next(%v) = %+v (ff %v), want %+v (ff %v)", tc.probes, got, deref(got.Result.FirstFailing), tc.want, deref(tc.want.Result.FirstFailing))
			}
		})
	}
}

func TestWorst(t *testing.T) {
	cases := []struct {
		c    Config
		want int
	}{
		// 10 20 40 80 160 320 640 1280 2000, then from (1280, 2000]: 1640 1460 1370 1325
		{Config{Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Integer: true}, 13},
		{Config{Start: 10, Max: 10, Growth: 2, Precision: 0.05, Integer: true}, 1},
		// 1 2 4 8, and (4, 8]: 6 5
		{Config{Start: 1, Max: 8, Growth: 2, Precision: 0.05, Integer: true}, 6},
	}
	for _, tc := range cases {
		if got := Worst(tc.c); got != tc.want {
			t.Errorf("Worst(%+v) = %d, want %d", tc.c, got, tc.want)
		}
	}
}

func sec(phase result.Phase, ok int64, p95 float64) result.Second {
	return result.Second{Phase: phase, OK: ok, P95: &p95}
}

func TestStable(t *testing.T) {
	flat := func(n int, ok int64, p95 float64) []result.Second {
		s := make([]result.Second, n)
		for i := range s {
			s[i] = sec(result.PhaseMeasured, ok, p95)
		}
		return s
	}
	cases := []struct {
		name   string
		series []result.Second
		stable bool
	}{
		{"flat", flat(9, 150, 20), true},
		{"light window: 10 against 14 requests is noise", append(flat(6, 14, 20), flat(3, 10, 20)...), true},
		{"ramp seconds ignored", append([]result.Second{sec(result.PhaseRamp, 1, 900), sec(result.PhaseRamp, 5, 900)}, flat(9, 150, 20)...), true},
		{"throughput falls in the last third", append(flat(6, 150, 20), flat(3, 120, 20)...), false},
		{"within 10 %", append(flat(6, 150, 20), flat(3, 140, 20)...), true},
		{"p95 grows", append(flat(6, 150, 20), flat(3, 150, 30)...), false},
		{"p95 noise under 5 ms", append(flat(6, 150, 12), flat(3, 150, 16)...), true},
		{"p95 of too few requests", append(flat(6, 30, 20), flat(3, 30, 60)...), true},
		{"too short to split", flat(2, 150, 20)[:2], true},
		{"no successful request in a third: throughput alone", append(flat(6, 150, 20), []result.Second{{Phase: result.PhaseMeasured, Failed: 150}, {Phase: result.PhaseMeasured, Failed: 150}, {Phase: result.PhaseMeasured, Failed: 150}}...), true},
	}
	for _, tc := range cases {
		got := Stable(tc.series)
		if got.Stable != tc.stable {
			t.Errorf("%s: Stable = %+v, want stable=%v", tc.name, got, tc.stable)
		}
	}
}
