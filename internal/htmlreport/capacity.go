package htmlreport

import (
	"fmt"
	"math"
	"sort"

	"github.com/go-analyze/charts/chartdraw"

	"github.com/harness-gpu/harness/internal/diff"
	"github.com/harness-gpu/harness/internal/result"
)

// kneeEfficiency is the share of the best throughput per unit of load under
// which added load is said to stop paying: the knee is the highest load
// whose req/s per user (or per offered req/s) is still at least this share
// of the best step's.
const kneeEfficiency = 0.8

type capPoint struct {
	load, rps float64
	p95       *float64
}

// capacityPoints returns the completed steps of f ordered by load.
func capacityPoints(f *result.File) []capPoint {
	var pts []capPoint
	for i := range f.Steps {
		s := &f.Steps[i]
		if s.Status == result.StepNotRun || load(s) <= 0 {
			continue
		}
		pts = append(pts, capPoint{load: load(s), rps: s.Requests.RPS, p95: diff.LatencyOf(s).P95})
	}
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].load < pts[j].load })
	return pts
}

// knee returns the load at the knee and whether one was reached: false when
// throughput still grows with load at the last step.
func knee(pts []capPoint) (float64, bool) {
	best := 0.0
	for _, p := range pts {
		best = max(best, p.rps/p.load)
	}
	if best == 0 {
		return 0, false
	}
	for i, p := range pts {
		if p.rps/p.load < kneeEfficiency*best {
			if i == 0 {
				return 0, false
			}
			return pts[i-1].load, true
		}
	}
	return 0, false
}

// capacityCharts draws throughput and p95 against load, one line per file,
// with each file's knee marked.
func capacityCharts(inputs []Input) ([]Chart, error) {
	type line struct {
		i           int
		label       string
		load, rps   []float64
		p95X, p95Y  []float64
		knee        float64
		kneeReached bool
	}
	var lines []line
	maxLoad, maxRPS := 0.0, 0.0
	minP95, maxP95 := math.Inf(1), math.Inf(-1)
	for i, in := range inputs {
		pts := capacityPoints(in.File)
		if len(pts) == 0 {
			continue
		}
		l := line{i: i, label: in.Label}
		for _, p := range pts {
			l.load, l.rps = append(l.load, p.load), append(l.rps, p.rps)
			maxLoad, maxRPS = max(maxLoad, p.load), max(maxRPS, p.rps)
			if p.p95 != nil && *p.p95 > 0 { // > 0: log scale
				l.p95X, l.p95Y = append(l.p95X, p.load), append(l.p95Y, *p.p95)
				minP95, maxP95 = min(minP95, *p.p95), max(maxP95, *p.p95)
			}
		}
		l.knee, l.kneeReached = knee(pts)
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		return []Chart{noData("Throughput against load", "no completed steps"), noData("p95 latency against load", "no completed steps")}, nil
	}
	axis := loadAxis(inputs)
	tp := newChart(capacityW, capacityH, axis, linearScale(0, maxLoad, 5, false), "throughput (req/s)", linearScale(0, maxRPS, 5, false), true)
	charts := []Chart{}
	var lat chartdraw.Chart
	hasLat := !math.IsInf(minP95, 0)
	if hasLat {
		lat = newChart(capacityW, capacityH, axis, linearScale(0, maxLoad, 5, false), "p95 latency (ms, log scale)", logScale(minP95, maxP95), true)
	}
	knees := 0
	for _, l := range lines {
		if l.kneeReached {
			label := fmt.Sprintf("knee ≈ %g", l.knee)
			knee := vline{x: l.knee, label: label, color: fileColor(l.i), row: knees}
			tp.Series = append(tp.Series, knee)
			if hasLat {
				lat.Series = append(lat.Series, knee)
			}
			knees++
		}
	}
	for _, l := range lines {
		tp.Series = append(tp.Series, lineSeries(l.label, l.i, l.load, l.rps, 2, nil, 4)...)
		if len(l.p95X) > 0 {
			lat.Series = append(lat.Series, lineSeries(l.label, l.i, l.p95X, l.p95Y, 2, nil, 4)...)
		}
	}
	tp.Elements = append(tp.Elements, legend(&tp))
	c, err := chartOf("Throughput against load", tp)
	if err != nil {
		return nil, err
	}
	charts = append(charts, c)
	if !hasLat {
		return append(charts, noData("p95 latency against load", "no step has latency data")), nil
	}
	lat.Elements = append(lat.Elements, legend(&lat))
	if c, err = chartOf("p95 latency against load", lat); err != nil {
		return nil, err
	}
	return append(charts, c), nil
}

// The capacity charts are drawn side by side.
const capacityW, capacityH = 560, 360
