package runner

import (
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// counts is a schedule's arrivals per second.
func counts(t *testing.T, s *schedule) []float64 {
	t.Helper()
	c := make([]float64, int(s.p.Total/time.Second))
	var last time.Duration
	for {
		d, ok := s.next()
		if !ok {
			return c
		}
		if d < last {
			t.Fatalf("arrival at %v after one at %v", d, last)
		}
		last = d
		c[d/time.Second]++
	}
}

// dispersion is the index of dispersion, variance / mean, of xs.
func dispersion(xs []float64) (mean, index float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var v float64
	for _, x := range xs {
		v += (x - mean) * (x - mean)
	}
	v /= float64(len(xs) - 1)
	return mean, v / mean
}

// Over a long schedule at 100/s the index of dispersion of the per-second
// counts is 0 for uniform arrivals, 1 for Poisson and 1/burstiness for
// gamma gaps: 4 at burstiness 0.25, as GuideLLM and vLLM's benchmark use.
func TestArrivalDispersion(t *testing.T) {
	for _, tc := range []struct {
		arrival    plan.Arrival
		burstiness float64
		lo, hi     float64
	}{
		{"", 0, 0, 0},
		{plan.Uniform, 0, 0, 0},
		{plan.Poisson, 0, 0.9, 1.1},
		{plan.Gamma, 1, 0.9, 1.1},
		{plan.Gamma, 0.25, 3.6, 4.4},
		{plan.Gamma, 4, 0.2, 0.3},
	} {
		t.Run(fmt.Sprintf("%s/%v", tc.arrival, tc.burstiness), func(t *testing.T) {
			ps := plan.Step{Rate: 100, Duration: 3000 * time.Second, Arrival: tc.arrival, Burstiness: tc.burstiness, Seed: 7}
			mean, d := dispersion(counts(t, newSchedule(ps)))
			if d < tc.lo || d > tc.hi || mean < 97 || mean > 103 {
				t.Errorf("mean %.2f/s, index of dispersion %.3f; want 100 ± 3 and %.2f–%.2f", mean, d, tc.lo, tc.hi)
			}
		})
	}
}

// One seed gives one schedule; another seed another. A ramp shapes a random
// process as it does a uniform one: the ramp holds half the arrivals of the
// same time at the full rate.
func TestArrivalSeed(t *testing.T) {
	offsets := func(seed uint64, a plan.Arrival) []time.Duration {
		s := newSchedule(plan.Step{Rate: 50, Ramp: 20 * time.Second, Duration: 20 * time.Second, Arrival: a, Burstiness: 0.5, Seed: seed})
		var out []time.Duration
		for d, ok := s.next(); ok; d, ok = s.next() {
			out = append(out, d)
		}
		return out
	}
	for _, a := range []plan.Arrival{plan.Poisson, plan.Gamma} {
		one, again, other := offsets(1, a), offsets(1, a), offsets(2, a)
		if !slices.Equal(one, again) {
			t.Errorf("%s: seed 1 gave two schedules", a)
		}
		if slices.Equal(one, other) {
			t.Errorf("%s: seeds 1 and 2 gave one schedule", a)
		}
		var inRamp int
		for _, d := range one {
			if d < 20*time.Second {
				inRamp++
			}
		}
		if inRamp < 350 || inRamp > 650 || len(one) < 1250 || len(one) > 1750 { // seeded: a check of the mapping, not of luck
			t.Errorf("%s: %d arrivals in the ramp of %d, want ~500 of ~1500", a, inRamp, len(one))
		}
	}
}

// On virtual time a Poisson step sends its schedule: each arrival measured
// from its scheduled time (the service time here), drops counted, and the
// per-second series is Poisson (index of dispersion ≈ 1); the same seed
// sends the same series again.
func TestOpenPoissonRun(t *testing.T) {
	series := func(t *testing.T, seed uint64) []float64 {
		var out []float64
		synctest.Test(t, func(t *testing.T) {
			fs := &fakeService{service: constant(ms)}
			s := scenario("http://fake/", &dsl.Step{Name: "poisson", Rate: 100, Duration: 200 * time.Second})
			p := buildPlan(s)
			p.Steps[0].Arrival, p.Steps[0].Seed = plan.Poisson, seed
			f, err := Run(t.Context(), s, p, fs.options(Options{}))
			if err != nil {
				t.Fatal(err)
			}
			st := f.Steps[0]
			if st.Requests.Total != fs.served.Load() || st.Requests.Dropped != 0 {
				t.Errorf("requests %+v, served %d", st.Requests, fs.served.Load())
			}
			if p := st.Latency.P99; p == nil || *p != *result.HistogramLatency(histOf(1000)).P99 {
				t.Errorf("p99 %v, want the 1 ms service time: each arrival sent on its schedule", deref(p))
			}
			for _, pt := range st.Series {
				out = append(out, float64(pt.Requests))
			}
		})
		return out
	}
	t.Parallel()
	a, b := series(t, 3), series(t, 3)
	if !slices.Equal(a, b) {
		t.Errorf("seed 3 sent two different series")
	}
	if mean, d := dispersion(a); mean < 95 || mean > 105 || d < 0.75 || d > 1.25 {
		t.Errorf("mean %.1f/s, index of dispersion %.2f; want 100 and ≈ 1", mean, d)
	}
}

// A burstiness below dsl.MinBurstiness is drawn at dsl.MinBurstiness: its gaps would
// underflow to 0 and the schedule would send many times its rate.
func TestArrivalBurstinessFloor(t *testing.T) {
	for _, b := range []float64{1e-9, dsl.MinBurstiness} {
		ps := plan.Step{Rate: 100, Duration: 2000 * time.Second, Arrival: plan.Gamma, Burstiness: b, Seed: 7}
		if mean, _ := dispersion(counts(t, newSchedule(ps))); mean < 50 || mean > 150 {
			t.Errorf("burstiness %g: %.1f arrivals a second, want about 100", b, mean)
		}
	}
}
