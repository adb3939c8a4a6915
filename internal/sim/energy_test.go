package sim

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// TestEnergyCounterMatchesPowerIntegral: over a loaded window, the growth
// of the dcgm page's DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION (mJ) equals the
// time integral of the same page's DCGM_FI_DEV_POWER_USAGE within 1 %, the
// agreement a sampler without a counter relies on (it integrates power with
// the trapezoid rule over the scrape times, uneven ones included).
func TestEnergyCounterMatchesPowerIntegral(t *testing.T) {
	p, err := ProfileByName("rtx5090")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1000, 0)
	s := &Server{p: p, cfg: Config{Hostname: "node-1"}, gpu: newGPUModel(p, t0)}
	page := func() (watts, mj float64) {
		parser := expfmt.NewTextParser(model.LegacyValidation)
		fams, err := parser.TextToMetricFamilies(bytes.NewReader(s.dcgmMetrics()))
		if err != nil {
			t.Fatal(err)
		}
		return value(t, fams, "DCGM_FI_DEV_POWER_USAGE", nil), value(t, fams, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", nil)
	}
	// Warm up to a load, then a 60 s loaded window whose utilization moves
	// between about 55 % and 95 %, scraped every second except for one late
	// (2.5 s) and two early (0.5 s) scrapes.
	now := t0
	step := func(d time.Duration, util float64) {
		s.gpu.submit(now, time.Duration(util*float64(d)))
		now = now.Add(d)
		s.gpu.sample(now)
	}
	for range 5 {
		step(time.Second, 0.8)
	}
	var ts []time.Time
	var watts, mjs []float64
	scrape := func() {
		w, mj := page()
		ts, watts, mjs = append(ts, now), append(watts, w), append(mjs, mj)
	}
	scrape()
	for i := range 60 {
		d := time.Second
		switch i {
		case 17:
			d = 2500 * time.Millisecond
		case 30, 31:
			d = 500 * time.Millisecond
		}
		step(d, 0.75+0.2*math.Sin(float64(i)/4))
		scrape()
	}
	var integral float64
	for i := 1; i < len(ts); i++ {
		integral += (watts[i] + watts[i-1]) / 2 * ts[i].Sub(ts[i-1]).Seconds()
	}
	counter := (mjs[len(mjs)-1] - mjs[0]) / 1000
	t.Logf("counter %.1f J, power integral %.1f J over %v", counter, integral, ts[len(ts)-1].Sub(ts[0]))
	if counter < 60*p.IdleW {
		t.Fatalf("counter grew %.1f J over a loaded minute: not loaded", counter)
	}
	if diff := math.Abs(counter-integral) / counter; diff > 0.01 {
		t.Errorf("counter %.1f J vs power integral %.1f J: %.2f %% apart, want within 1 %%", counter, integral, 100*diff)
	}
}
