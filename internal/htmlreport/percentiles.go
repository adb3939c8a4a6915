package htmlreport

import (
	"math"

	"github.com/go-analyze/charts/chartdraw"

	"github.com/harness-gpu/harness/internal/result"
)

// percentileStyles draws p50 solid, p95 dashed, p99 dotted; colour is the file.
var percentileStyles = []struct {
	name   string
	pick   func(result.Percentiles) *float64
	dashes []float64
}{
	{"p50", func(l result.Percentiles) *float64 { return l.P50 }, nil},
	{"p95", func(l result.Percentiles) *float64 { return l.P95 }, []float64{8, 4}},
	{"p99", func(l result.Percentiles) *float64 { return l.P99 }, []float64{2, 3}},
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
	x := &scale{ContinuousRange: chartdraw.ContinuousRange{Min: -0.3, Max: float64(len(names)) - 0.7}}
	for i, n := range names {
		pos[n] = float64(i)
		x.ticks = append(x.ticks, chartdraw.Tick{Value: float64(i), Label: n})
	}
	var series []chartdraw.Series
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, in := range inputs {
		lats := make([]result.Percentiles, len(in.File.Steps)) // each histogram decoded once
		for j := range in.File.Steps {
			lats[j] = in.File.Steps[j].Percentiles()
		}
		for _, ps := range percentileStyles {
			var xs, ys []float64
			for j, lat := range lats {
				if v := ps.pick(lat); v != nil && *v > 0 { // > 0: log scale
					xs, ys = append(xs, pos[in.File.Steps[j].Name]), append(ys, *v)
					lo, hi = min(lo, *v), max(hi, *v)
				}
			}
			if len(xs) > 0 {
				series = append(series, lineSeries(in.Label+" "+ps.name, i, xs, ys, 1.8, ps.dashes, 3.5)...)
			}
		}
	}
	if len(series) == 0 {
		return noData(title, "no step has latency data"), nil
	}
	// logScale: one saturated step's seconds would otherwise flatten every
	// other step's milliseconds.
	// chartdraw's legend spaces its entries about 32 px apart and sits in
	// the data area: with many files, the chart grows to hold it.
	named := 0
	for _, s := range series {
		if s.GetName() != "" {
			named++
		}
	}
	c := newChart(1100, max(400, 32*named+110), "step", x, "latency (ms, log scale)", logScale(lo, hi), true)
	c.Series = series
	c.Elements = append(c.Elements, legend(&c))
	return chartOf(title, c)
}
