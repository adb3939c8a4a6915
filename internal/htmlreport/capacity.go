package htmlreport

import (
	"fmt"
	"math"

	"github.com/go-analyze/charts/chartdraw"

	"github.com/harness-gpu/harness/internal/result"
)

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
		searches    []result.Search
	}
	var lines []line
	maxLoad, maxRPS := 0.0, 0.0
	minP95, maxP95 := math.Inf(1), math.Inf(-1)
	for i, in := range inputs {
		pts := result.CapacityPoints(in.File)
		if len(pts) == 0 {
			continue
		}
		l := line{i: i, label: in.Label}
		for _, p := range pts {
			l.load, l.rps = append(l.load, p.Load), append(l.rps, p.RPS)
			maxLoad, maxRPS = max(maxLoad, p.Load), max(maxRPS, p.RPS)
			if p.P95 != nil && *p.P95 > 0 { // > 0: log scale
				l.p95X, l.p95Y = append(l.p95X, p.Load), append(l.p95Y, *p.P95)
				minP95, maxP95 = min(minP95, *p.P95), max(maxP95, *p.P95)
			}
		}
		l.knee, l.kneeReached = result.Knee(pts)
		l.searches = in.File.Searches
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
		if len(l.searches) > 0 {
			// A search's answer replaces the knee: its bracket, the highest
			// passing and the lowest failing probe.
			for _, v := range searchLines(l.searches, l.i, &knees) {
				tp.Series = append(tp.Series, v)
				if hasLat {
					lat.Series = append(lat.Series, v)
				}
			}
			continue
		}
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

// searchLines marks each search's bracket on the capacity charts: a line
// at its capacity and one at its first failing level, in the file's
// colour, each on its own label row (rows counts the rows used).
func searchLines(searches []result.Search, file int, rows *int) []vline {
	var out []vline
	for _, s := range searches {
		if s.Capacity > 0 {
			out = append(out, vline{x: s.Capacity, label: "capacity " + s.Level(s.Capacity), color: fileColor(file), row: *rows})
			*rows++
		}
		if s.FirstFailing != nil {
			out = append(out, vline{x: *s.FirstFailing, label: "first failing " + result.FormatLevel(*s.FirstFailing), color: fileColor(file), row: *rows})
			*rows++
		}
	}
	return out
}
