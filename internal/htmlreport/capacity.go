package htmlreport

import (
	"fmt"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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
	axis := loadAxis(inputs)
	tp := newPlot(axis, "throughput (req/s)")
	lat := newPlot(axis, "p95 latency (ms, log scale)")
	drawn := false
	for i, in := range inputs {
		pts := capacityPoints(in.File)
		if len(pts) == 0 {
			continue
		}
		drawn = true
		var rps, p95 plotter.XYs
		for _, p := range pts {
			rps = append(rps, plotter.XY{X: p.load, Y: p.rps})
			if p.p95 != nil && *p.p95 > 0 { // > 0: log scale
				p95 = append(p95, plotter.XY{X: p.load, Y: *p.p95})
			}
		}
		if err := addLinePoints(tp, rps, i, in.Label); err != nil {
			return nil, err
		}
		if err := addLinePoints(lat, p95, i, in.Label); err != nil {
			return nil, err
		}
		if k, ok := knee(pts); ok {
			label := fmt.Sprintf("knee ≈ %g", k)
			tp.Add(vline{x: k, label: label, color: fileColor(i)})
			lat.Add(vline{x: k, label: label, color: fileColor(i)})
		}
	}
	if !drawn {
		return []Chart{noData("Throughput against load", "no completed steps"), noData("p95 latency against load", "no completed steps")}, nil
	}
	tp.Y.Min = 0
	// Throughput rises to the upper right: its legend goes bottom right.
	tp.Legend.Top, tp.Legend.Left, tp.Legend.XOffs, tp.Legend.YOffs = false, false, -6, 6
	logY(lat)
	a, err := chartOf("Throughput against load", tp, 5.2*vg.Inch, 3.2*vg.Inch)
	if err != nil {
		return nil, err
	}
	b, err := chartOf("p95 latency against load", lat, 5.2*vg.Inch, 3.2*vg.Inch)
	if err != nil {
		return nil, err
	}
	return []Chart{a, b}, nil
}

// addLinePoints adds a line with point markers in file i's colour and
// glyph, named label in the legend; nothing when xys is empty.
func addLinePoints(p *plot.Plot, xys plotter.XYs, i int, label string) error {
	if len(xys) == 0 {
		return nil
	}
	l, s, err := plotter.NewLinePoints(xys)
	if err != nil {
		return fmt.Errorf("chart data for %s: %w", label, err)
	}
	l.Color, l.Width = fileColor(i), vg.Points(1.6)
	s.Color, s.Shape, s.Radius = fileColor(i), glyphs[i%len(glyphs)], vg.Points(3)
	p.Add(l, s)
	p.Legend.Add(label, l, s)
	return nil
}

// glyph shapes distinguish files without relying on colour alone.
var glyphs = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.RingGlyph{}, draw.CrossGlyph{}}
