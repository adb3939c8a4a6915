package sim

import (
	"math"
	"sync"
	"time"
)

// gpuModel is the simulated card. Its execution engine runs one kernel at a
// time, in the order they are submitted, on a timeline: a kernel submitted
// at t starts when the engine is free (or at t) and ends its duration later.
// Instances then sleep until their kernel's end. Keeping the schedule on a
// timeline, rather than in whoever holds a lock, means a goroutine woken
// late by a busy host delays only its own answer, not the GPU: capacity and
// utilization stay those of the profile.
//
// Once per sample interval the model turns engine time and resident batch
// items into the readings DCGM would report. Readings are cached between
// samples, like DCGM's field cache, so a scrape never moves them.
type gpuModel struct {
	p  Profile
	mu sync.Mutex

	freeAt    time.Time // when the last submitted kernel ends
	kernels   []span    // submitted kernels not yet past the last sample
	inFlight  int       // batch items in execution now
	peakItems int       // most items in execution during the interval
	last      time.Time // end of the previous interval

	cur gpuReading
}

// span is one kernel on the engine timeline.
type span struct{ start, end time.Time }

// gpuReading is one sample of the card, in the units DCGM uses.
type gpuReading struct {
	Util    float64 // busy fraction 0..1 over the last interval
	PowerW  float64
	EnergyJ float64 // since the server started
	TempC   float64
	SMMHz   float64
	MemMHz  float64
	UsedMiB float64 // FB_USED: what the process holds, without the reserved part
	FreeMiB float64 // FB_FREE; FB_RESERVED is the profile's ReservedMiB
}

func newGPUModel(p Profile, now time.Time) *gpuModel {
	g := &gpuModel{p: p, last: now}
	g.cur = gpuReading{
		PowerW: p.IdleW, TempC: p.IdleC, SMMHz: p.SMIdleMHz, MemMHz: p.MemIdleMHz,
	}
	g.setMemory(0)
	return g
}

// submit puts a kernel of duration d on the engine at now and returns when
// it will end.
func (g *gpuModel) submit(now time.Time, d time.Duration) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	start := later(now, g.freeAt)
	g.freeAt = start.Add(d)
	g.kernels = append(g.kernels, span{start, g.freeAt})
	return g.freeAt
}

// busyIn sums the engine time inside [from, to) and forgets kernels that
// ended by to. Called with g.mu held.
func (g *gpuModel) busyIn(from, to time.Time) time.Duration {
	var busy time.Duration
	keep := g.kernels[:0]
	for _, k := range g.kernels {
		if d := earlier(k.end, to).Sub(later(k.start, from)); d > 0 {
			busy += d
		}
		if k.end.After(to) {
			keep = append(keep, k)
		}
	}
	g.kernels = keep
	return busy
}

// addItems changes the number of batch items resident on the card.
func (g *gpuModel) addItems(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight += n
	g.peakItems = max(g.peakItems, g.inFlight)
}

// setMemory sets the used and free memory readings for items batch items
// resident on the card.
func (g *gpuModel) setMemory(items int) {
	p := g.p
	g.cur.UsedMiB = p.MemBaseMiB + float64(p.Instances)*p.MemPerInstanceMiB + float64(items)*p.MemItemMiB
	g.cur.FreeMiB = p.MemoryMiB - p.ReservedMiB - g.cur.UsedMiB
}

// reading returns the last sample.
func (g *gpuModel) reading() gpuReading {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cur
}

// sample closes the interval ending at now and updates the readings.
//
// Utilization is the engine-busy fraction of the interval, quantised to 1 %
// as DCGM's GPU_UTIL is. Power is idle + util × (max − idle); energy
// integrates it. Temperature is a first-order lag towards an equilibrium
// that rises linearly with utilization: T += (Teq − T)(1 − e^(−dt/τ)), the
// exact step for a constant input over dt, so the result does not depend on
// the interval length.
func (g *gpuModel) sample(now time.Time) gpuReading {
	g.mu.Lock()
	defer g.mu.Unlock()
	dt := now.Sub(g.last)
	if dt <= 0 {
		return g.cur
	}
	busy := g.busyIn(g.last, now)
	util := math.Round(min(1, float64(busy)/float64(dt))*100) / 100
	p := g.p
	r := &g.cur
	r.Util = util
	r.PowerW = p.IdleW + util*(p.MaxW-p.IdleW)
	r.EnergyJ += r.PowerW * dt.Seconds()
	teq := p.IdleC + util*(p.HotC-p.IdleC)
	if p.ThermalTau > 0 {
		r.TempC += (teq - r.TempC) * (1 - math.Exp(-dt.Seconds()/p.ThermalTau.Seconds()))
	} else {
		r.TempC = teq
	}
	// A GPU boosts its SM clock as soon as it has work; light, bursty work
	// leaves it partly down-clocked.
	r.SMMHz = math.Round(p.SMIdleMHz + min(1, util*5)*(p.SMBoostMHz-p.SMIdleMHz))
	r.MemMHz = p.MemIdleMHz
	if util > 0 {
		r.MemMHz = p.MemMHz
	}
	g.setMemory(g.peakItems)
	g.last, g.peakItems = now, g.inFlight
	return g.cur
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
