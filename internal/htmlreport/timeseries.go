package htmlreport

import (
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/harness-gpu/harness/internal/result"
)

// seriesSpec is one time-series chart: a title, a y label and how to read a
// second's value (ok=false when the second has none).
type seriesSpec struct {
	title, unit string
	get         func(*result.Second) (float64, bool)
}

func sample(key string) func(*result.Second) (float64, bool) {
	return func(s *result.Second) (float64, bool) {
		v, ok := s.Samples[key]
		return v, ok
	}
}

// timeSeries lists the charts of the time-series section, in page order.
var timeSeries = []seriesSpec{
	{"Requests per second", "req/s", func(s *result.Second) (float64, bool) { return float64(s.Requests), true }},
	{"p95 latency", "ms", func(s *result.Second) (float64, bool) {
		if s.P95 == nil {
			return 0, false
		}
		return *s.P95, true
	}},
	{"GPU utilization", "%", sample("gpu.utilization")},
	{"GPU temperature", "°C", sample("gpu.temperature")},
	{"GPU power", "W", sample("gpu.power_w")},
	{"GPU memory used", "MiB", sample("gpu.memory_used_mib")},
	{"Triton queue time", "ms", sample("triton.queue_ms")},
	{"Triton compute (infer) time", "ms", sample("triton.infer_ms")},
}

// runStart is the origin of a file's time axis: its first second, else the
// run's start, so runs made months apart overlay on the same axis.
func runStart(f *result.File) (origin float64, ok bool) {
	for _, s := range f.Steps {
		if len(s.Series) > 0 {
			return float64(s.Series[0].T.UnixNano()) / 1e9, true
		}
	}
	return 0, false
}

// bandsOf shades the steps of the first file that has any series.
func bandsOf(inputs []Input) stepBands {
	for _, in := range inputs {
		origin, ok := runStart(in.File)
		if !ok {
			continue
		}
		rel := func(sec float64) float64 { return sec - origin }
		var b stepBands
		for _, s := range in.File.Steps {
			if s.Measured.End.IsZero() {
				continue
			}
			start := s.Measured.Start
			rampEnd := start
			if s.Ramp != nil {
				start = s.Ramp.Start
			}
			b = append(b, band{
				name:    s.Name,
				start:   rel(float64(start.UnixNano()) / 1e9),
				rampEnd: rel(float64(rampEnd.UnixNano()) / 1e9),
				end:     rel(float64(s.Measured.End.UnixNano()) / 1e9),
			})
		}
		return b
	}
	return nil
}

// segments reads one file's points for a spec; a second without a value
// breaks the line rather than being drawn as zero.
func segments(f *result.File, spec seriesSpec) []plotter.XYs {
	origin, ok := runStart(f)
	if !ok {
		return nil
	}
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range f.Steps {
		for j := range f.Steps[i].Series {
			sec := &f.Steps[i].Series[j]
			v, ok := spec.get(sec)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				if len(cur) > 0 {
					out, cur = append(out, cur), nil
				}
				continue
			}
			cur = append(cur, plotter.XY{X: float64(sec.T.UnixNano())/1e9 - origin, Y: v})
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// timeSeriesCharts draws every spec, overlaying the files on one time axis
// with the steps shaded; a spec no file has data for says "no data".
func timeSeriesCharts(inputs []Input) ([]Chart, error) {
	bands := bandsOf(inputs)
	var charts []Chart
	for _, spec := range timeSeries {
		p := newPlot("seconds since the first step began", spec.unit)
		p.Add(bands)
		drawn := false
		for i, in := range inputs {
			// No gonum legend here: it would cover the step names; the page
			// shows one legend for the whole section.
			for _, seg := range segments(in.File, spec) {
				l, err := plotter.NewLine(seg)
				if err != nil {
					return nil, err
				}
				l.Color, l.Width = fileColor(i), vg.Points(1.3)
				p.Add(l)
				drawn = true
			}
		}
		if !drawn {
			charts = append(charts, noData(spec.title, "no data: no results file has samples for this series"))
			continue
		}
		p.Y.Min = min(p.Y.Min, 0)
		c, err := chartOf(spec.title, p, 10.5*vg.Inch, 2.6*vg.Inch)
		if err != nil {
			return nil, err
		}
		charts = append(charts, c)
	}
	return charts, nil
}
