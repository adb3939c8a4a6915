package htmlreport

import (
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/go-analyze/charts/chartdraw"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// seriesSpec is one time-series chart: a title, a y label and how to read a
// second's value (ok=false when the second has none). A sampled chart is
// left off the page when no input has data for it: a run without Triton
// shows no Triton panels.
type seriesSpec struct {
	title, unit string
	get         func(*result.Second) (float64, bool)
	sampled     bool
}

func sample(key string) func(*result.Second) (float64, bool) {
	return func(s *result.Second) (float64, bool) {
		v, ok := s.Samples[key]
		return v, ok
	}
}

// timeSeries lists the fixed charts of the time-series section, in page
// order; prometheusSeries adds one per declared prometheus series.
var timeSeries = []seriesSpec{
	{"Requests per second", "req/s", func(s *result.Second) (float64, bool) { return float64(s.Requests), true }, false},
	{"p95 latency", "ms", func(s *result.Second) (float64, bool) {
		if s.P95 == nil {
			return 0, false
		}
		return *s.P95, true
	}, false},
	{"GPU utilization", "%", sample("gpu.utilization"), true},
	{"GPU temperature", "°C", sample("gpu.temperature"), true},
	{"GPU power", "W", sample("gpu.power_w"), true},
	{"GPU memory used", "MiB", sample("gpu.memory_used_mib"), true},
	{"Triton queue time", "ms", sample("triton.queue_ms"), true},
	{"Triton compute (infer) time", "ms", sample("triton.infer_ms"), true},
}

// prometheusSeries gives a chart per series of every prometheus sampler in
// the inputs, in name order: a gauge's newest value each second, a
// counter's rate (the per-second series holds sampler.NAME.SERIES and, for
// counters, sampler.NAME.SERIES.rate).
func prometheusSeries(inputs []Input) []seriesSpec {
	kinds := map[[2]string]string{} // {sampler, series} → gauge | counter
	for _, in := range inputs {
		for _, st := range in.File.Steps {
			for name, w := range st.Samplers {
				for series, stats := range w.Series {
					k := [2]string{name, series}
					if kinds[k] == "" || stats.Kind == string(dsl.SeriesCounter) {
						kinds[k] = stats.Kind
					}
				}
			}
		}
	}
	keys := slices.SortedFunc(maps.Keys(kinds), func(a, b [2]string) int {
		return strings.Compare(a[0]+"\x00"+a[1], b[0]+"\x00"+b[1])
	})
	specs := make([]seriesSpec, 0, len(keys))
	for _, k := range keys {
		key, unit, what := "sampler."+k[0]+"."+k[1], "value", ""
		if kinds[k] == string(dsl.SeriesCounter) {
			key, unit, what = key+".rate", "per second", " (rate)"
		}
		specs = append(specs, seriesSpec{"Prometheus " + k[0] + ": " + k[1] + what, unit, sample(key), true})
	}
	return specs
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
func bandsOf(inputs []Input) []band {
	for _, in := range inputs {
		origin, ok := runStart(in.File)
		if !ok {
			continue
		}
		rel := func(sec float64) float64 { return sec - origin }
		var b []band
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

// segment is an unbroken run of a time series: seconds from the run start
// and their values.
type segment struct{ xs, ys []float64 }

// segments reads one file's points for a spec; a second without a value
// breaks the line rather than being drawn as zero.
func segments(f *result.File, spec seriesSpec) []segment {
	origin, ok := runStart(f)
	if !ok {
		return nil
	}
	var out []segment
	var cur segment
	for i := range f.Steps {
		for j := range f.Steps[i].Series {
			sec := &f.Steps[i].Series[j]
			v, ok := spec.get(sec)
			if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
				if len(cur.xs) > 0 {
					out, cur = append(out, cur), segment{}
				}
				continue
			}
			cur.xs = append(cur.xs, float64(sec.T.UnixNano())/1e9-origin)
			cur.ys = append(cur.ys, v)
		}
	}
	if len(cur.xs) > 0 {
		out = append(out, cur)
	}
	return out
}

// timeSeriesCharts draws every spec, overlaying the files on one time axis
// with the steps shaded. A sampled spec no file has data for is left out;
// requests and latency say "no data" instead, so the section is never empty.
func timeSeriesCharts(inputs []Input) ([]Chart, error) {
	bands := bandsOf(inputs)
	var charts []Chart
	for _, spec := range append(slices.Clone(timeSeries), prometheusSeries(inputs)...) {
		// Each segment is its own chartdraw series, so a gap stays a gap.
		// No legend here: it would cover the step names; the page shows
		// one legend for the whole section.
		var lines []chartdraw.Series
		xMin, xMax, yMin, yMax := 0.0, math.Inf(-1), 0.0, math.Inf(-1)
		for i, in := range inputs {
			for _, seg := range segments(in.File, spec) {
				xMin, xMax = min(xMin, slices.Min(seg.xs)), max(xMax, slices.Max(seg.xs))
				yMin, yMax = min(yMin, slices.Min(seg.ys)), max(yMax, slices.Max(seg.ys))
				dot := 0.0
				if len(seg.xs) == 1 { // a lone second between gaps: a dot, not an invisible line
					dot = 1.5
				}
				lines = append(lines, lineSeries("", i, seg.xs, seg.ys, 1.5, nil, dot)...)
			}
		}
		if len(lines) == 0 && spec.sampled {
			continue
		}
		if len(lines) == 0 {
			charts = append(charts, noData(spec.title, "no data: no results file has samples for this series"))
			continue
		}
		c := newChart(1100, 280, "seconds since the first step began", linearScale(xMin, xMax, 12, true),
			spec.unit, linearScale(yMin, yMax, 4, false), false)
		c.Series = append([]chartdraw.Series{stepBands{bands: bands}}, lines...)
		ch, err := chartOf(spec.title, c)
		if err != nil {
			return nil, err
		}
		charts = append(charts, ch)
	}
	return charts, nil
}
