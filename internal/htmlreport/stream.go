package htmlreport

import (
	"github.com/harness-gpu/harness/internal/result"
)

// streamCharts draws, for results of streaming targets, p95 time to first
// token, p95 time per output token and output tokens per second against
// load, one line per file. None when no step of any file streamed.
func streamCharts(inputs []Input) ([]Chart, error) {
	type metric struct {
		title, y string
		get      func(*result.Stream) *float64
	}
	metrics := []metric{
		{"p95 time to first token against load", "p95 TTFT (ms)", func(s *result.Stream) *float64 { return s.TTFT.P95 }},
		{"p95 time per output token against load", "p95 TPOT (ms)", func(s *result.Stream) *float64 { return s.TPOT.P95 }},
		{"Output tokens per second against load", "tokens/s", func(s *result.Stream) *float64 { return s.TokensPerS }},
	}
	var charts []Chart
	for _, m := range metrics {
		type line struct {
			i      int
			label  string
			xs, ys []float64
		}
		var lines []line
		maxX, maxY := 0.0, 0.0
		for i, in := range inputs {
			l := line{i: i, label: in.Label}
			for _, st := range in.File.Steps {
				if st.Status != result.StepCompleted || st.Stream == nil {
					continue
				}
				if v := m.get(st.Stream); v != nil {
					l.xs, l.ys = append(l.xs, st.Load()), append(l.ys, *v)
					maxX, maxY = max(maxX, st.Load()), max(maxY, *v)
				}
			}
			if len(l.xs) > 0 {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		c := newChart(capacityW, capacityH, loadAxis(inputs), linearScale(0, maxX, 5, false), m.y, linearScale(0, maxY, 5, false), true)
		for _, l := range lines {
			c.Series = append(c.Series, lineSeries(l.label, l.i, l.xs, l.ys, 2, nil, 4)...)
		}
		c.Elements = append(c.Elements, legend(&c))
		ch, err := chartOf(m.title, c)
		if err != nil {
			return nil, err
		}
		charts = append(charts, ch)
	}
	return charts, nil
}
