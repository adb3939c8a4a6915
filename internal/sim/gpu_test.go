package sim

import (
	"math"
	"testing"
	"time"
)

// TestUtilizationIsBusyFraction feeds engine busy periods with explicit
// times: the reading is the busy share of each interval, including a busy
// period that spans the sample boundary.
func TestUtilizationIsBusyFraction(t *testing.T) {
	p, _ := ProfileByName("rtx3060")
	t0 := time.Unix(0, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	g := newGPUModel(p, t0)
	g.submit(at(100), 250*time.Millisecond)
	g.submit(at(800), 700*time.Millisecond) // across the boundary at 1000
	r := g.sample(at(1000))
	if r.Util != 0.45 {
		t.Errorf("first interval util %v, want 0.45", r.Util)
	}
	if want := p.IdleW + 0.45*(p.MaxW-p.IdleW); math.Abs(r.PowerW-want) > 1e-9 {
		t.Errorf("power %v, want idle + util × (max − idle) = %v", r.PowerW, want)
	}
	if r := g.sample(at(2000)); r.Util != 0.5 {
		t.Errorf("second interval util %v, want 0.5", r.Util)
	}
	if r := g.sample(at(3000)); r.Util != 0 || r.SMMHz != p.SMIdleMHz || r.PowerW != p.IdleW {
		t.Errorf("idle interval: %+v", r)
	}
}

// TestMemoryFollowsItemsInFlight: used memory is base + instances + the
// most batch items resident during the interval.
func TestMemoryFollowsItemsInFlight(t *testing.T) {
	p, _ := ProfileByName("rtx3060")
	t0 := time.Unix(0, 0)
	g := newGPUModel(p, t0)
	idle := g.reading().UsedMiB
	g.addItems(8)
	g.addItems(-8)
	r := g.sample(t0.Add(time.Second))
	if r.UsedMiB != idle+8*p.MemItemMiB {
		t.Errorf("used %v MiB, want %v", r.UsedMiB, idle+8*p.MemItemMiB)
	}
	if r.UsedMiB+r.FreeMiB+p.ReservedMiB != p.MemoryMiB {
		t.Errorf("used+free+reserved = %v, want %v", r.UsedMiB+r.FreeMiB+p.ReservedMiB, p.MemoryMiB)
	}
	if r := g.sample(t0.Add(2 * time.Second)); r.UsedMiB != idle {
		t.Errorf("after the batch: used %v, want %v", r.UsedMiB, idle)
	}
}

// heat runs g at a constant utilization for d in 1 s samples.
func heat(g *gpuModel, start time.Time, util float64, d time.Duration) (time.Time, gpuReading) {
	var r gpuReading
	now := start
	for now.Sub(start) < d {
		g.submit(now, time.Duration(util*float64(time.Second)))
		now = now.Add(time.Second)
		r = g.sample(now)
	}
	return now, r
}

// TestThermalModel: a long full-load step warms the rtx3060 into the high
// 70s/low 80s; the rtx5090 at the demo's load (about 45 %) stays far below;
// and the card cools back towards idle.
func TestThermalModel(t *testing.T) {
	slow, _ := ProfileByName("rtx3060")
	t0 := time.Unix(0, 0)
	g := newGPUModel(slow, t0)
	now, r := heat(g, t0, 1, 30*time.Second)
	if r.TempC < 60 || r.TempC > 70 {
		t.Errorf("rtx3060 after 30 s at 100%%: %.1f °C, want 60..70 (τ = %v)", r.TempC, slow.ThermalTau)
	}
	now, r = heat(g, now, 1, 5*time.Minute)
	if r.TempC < 77 || r.TempC > 84 {
		t.Errorf("rtx3060 sustained at 100%%: %.1f °C, want high 70s/low 80s", r.TempC)
	}
	if _, r = heat(g, now, 0, 5*time.Minute); math.Abs(r.TempC-slow.IdleC) > 1 {
		t.Errorf("rtx3060 after 5 min idle: %.1f °C, want about %v", r.TempC, slow.IdleC)
	}
	fast, _ := ProfileByName("rtx5090")
	g = newGPUModel(fast, t0)
	if _, r = heat(g, t0, 0.45, 5*time.Minute); r.TempC > 60 {
		t.Errorf("rtx5090 at 45%% for 5 min: %.1f °C, want well below 80", r.TempC)
	}
}

// TestThermalStepIndependentOfInterval: the exact exponential step gives
// the same temperature whether sampled every 1 s or every 5 s.
func TestThermalStepIndependentOfInterval(t *testing.T) {
	p, _ := ProfileByName("rtx3060")
	p.IdleC, p.HotC = 40, 80
	t0 := time.Unix(0, 0)
	a, b := newGPUModel(p, t0), newGPUModel(p, t0)
	a.submit(t0, time.Minute)
	b.submit(t0, time.Minute)
	var ra, rb gpuReading
	for i := 1; i <= 60; i++ {
		ra = a.sample(t0.Add(time.Duration(i) * time.Second))
		if i%5 == 0 {
			rb = b.sample(t0.Add(time.Duration(i) * time.Second))
		}
	}
	want := 80 - 40*math.Exp(-60/p.ThermalTau.Seconds())
	if math.Abs(ra.TempC-want) > 1e-6 || math.Abs(rb.TempC-want) > 1e-6 {
		t.Errorf("after 60 s: %.6f (1 s) and %.6f (5 s), want %.6f", ra.TempC, rb.TempC, want)
	}
}

// TestEngineRunsKernelsInOrder: kernels submitted while the engine is busy
// start when it frees, so the engine never runs two at once.
func TestEngineRunsKernelsInOrder(t *testing.T) {
	p, _ := ProfileByName("rtx3060")
	t0 := time.Unix(0, 0)
	g := newGPUModel(p, t0)
	ends := []time.Time{
		g.submit(t0, 100*time.Millisecond),
		g.submit(t0.Add(10*time.Millisecond), 100*time.Millisecond),
		g.submit(t0.Add(500*time.Millisecond), 100*time.Millisecond),
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 600 * time.Millisecond}
	for i := range ends {
		if got := ends[i].Sub(t0); got != want[i] {
			t.Errorf("kernel %d ends at %v, want %v", i, got, want[i])
		}
	}
	if r := g.sample(t0.Add(time.Second)); r.Util != 0.3 {
		t.Errorf("util %v, want 0.3", r.Util)
	}
}
