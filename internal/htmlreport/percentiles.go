package htmlreport

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/harness-gpu/harness/internal/diff"
)

// percentileStyles draws p50 solid, p95 dashed, p99 dotted; colour is the file.
var percentileStyles = []struct {
	name   string
	pick   func(diff.StepLatency) *float64
	dashes []vg.Length
}{
	{"p50", func(l diff.StepLatency) *float64 { return l.P50 }, nil},
	{"p95", func(l diff.StepLatency) *float64 { return l.P95 }, []vg.Length{vg.Points(6), vg.Points(3)}},
	{"p99", func(l diff.StepLatency) *float64 { return l.P99 }, []vg.Length{vg.Points(1.5), vg.Points(2.5)}},
}

// stepNames is the union of the files' step names, in order of appearance.
func stepNames(inputs []Input) []string {
	var names []string
	seen := map[string]bool{}
	for _, in := range inputs {
		for _, s := range in.File.Steps {
			if !seen[s.Name] {
				seen[s.Name] = true
				names = append(names, s.Name)
			}
		}
	}
	return names
}

// percentileChart draws each step's p50, p95 and p99 (computed from its HDR
// histogram) with the steps along a nominal x axis.
func percentileChart(inputs []Input) (Chart, error) {
	const title = "Latency percentiles per step (from the HDR histograms)"
	names := stepNames(inputs)
	if len(names) == 0 {
		return noData(title, "no steps"), nil
	}
	pos := map[string]float64{}
	for i, n := range names {
		pos[n] = float64(i)
	}
	p := newPlot("step", "latency (ms, log scale)")
	p.NominalX(names...)
	p.X.Tick.Label.Font.Size = 9
	drawn := false
	for i, in := range inputs {
		for _, ps := range percentileStyles {
			var xys plotter.XYs
			for j := range in.File.Steps {
				s := &in.File.Steps[j]
				if v := ps.pick(diff.LatencyOf(s)); v != nil && *v > 0 { // > 0: log scale
					xys = append(xys, plotter.XY{X: pos[s.Name], Y: *v})
				}
			}
			if len(xys) == 0 {
				continue
			}
			l, sc, err := plotter.NewLinePoints(xys)
			if err != nil {
				return Chart{}, err
			}
			l.Color, l.Width, l.Dashes = fileColor(i), vg.Points(1.5), ps.dashes
			sc.Color, sc.Shape, sc.Radius = fileColor(i), glyphs[i%len(glyphs)], vg.Points(2.5)
			p.Add(l, sc)
			p.Legend.Add(in.Label+" "+ps.name, l, sc)
			drawn = true
		}
	}
	if !drawn {
		return noData(title, "no step has latency data"), nil
	}
	logY(p)
	return chartOf(title, p, 10.5*vg.Inch, 3.4*vg.Inch)
}

// logY puts the y axis on a log scale: one saturated step's seconds would
// otherwise flatten every other step's milliseconds. Values must be > 0.
// gonum pads a flat range (one step, or equal values) by ±1 when drawing,
// which goes below zero for sub-millisecond latencies and makes LogTicks
// panic, so the range is widened here by a factor instead.
func logY(p *plot.Plot) {
	if p.Y.Max <= 0 {
		p.Y.Max = 1
	}
	if p.Y.Min <= 0 {
		p.Y.Min = p.Y.Max / 1000
	}
	if p.Y.Min == p.Y.Max {
		p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = cleanTicks{plot.LogTicks{Prec: -1}}
}
