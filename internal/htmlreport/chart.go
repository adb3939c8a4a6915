package htmlreport

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"

	"github.com/harness-gpu/harness/internal/result"
)

// Chart is one figure of the page: an inline SVG, or a "no data" note.
type Chart struct {
	Title string
	// SVG is trusted markup from renderSVG, inlined in the page unescaped;
	// empty when NoData is set.
	SVG    string
	NoData string // why there is nothing to draw
}

// palette gives each results file its colour, in command-line order
// (base blue, new orange, then more for further files).
var palette = []drawing.Color{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0xe6, G: 0x6a, B: 0x00, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

func fileColor(i int) drawing.Color { return palette[i%len(palette)] }

var (
	inkColor    = drawing.Color{R: 0x1d, G: 0x24, B: 0x30, A: 0xff} // the page's --fg
	mutedColor  = drawing.Color{R: 0x55, G: 0x5f, B: 0x6d, A: 0xff}
	axisColor   = drawing.Color{R: 0x7a, G: 0x84, B: 0x92, A: 0xff}
	gridColor   = drawing.Color{R: 0xe9, G: 0xec, B: 0xf1, A: 0xff}
	transparent = drawing.ColorTransparent
)

// Font sizes in points; chartdraw's SVG renderer works at 96 DPI, so with
// the chart widths below the text shows at about 12-13 px on the page. The
// SVG names chartdraw's measuring font (Roboto); style.css maps chart text
// to the page's Liberation Sans / Arial / Helvetica, close in width.
const (
	tickFontSize   = 9.5
	nameFontSize   = 10
	legendFontSize = 9
	noteFontSize   = 8.5
	// yNameX is the baseline of the rotated y axis name: its glyphs
	// (about 13 px tall) lie left of it.
	yNameX = 18
)

// newChart returns a chartdraw chart of w×h with the page's look: the y
// axis on the left (chartdraw's secondary axis; every series of this
// package is drawn against it), light horizontal grid lines when grid is
// set, and transparent backgrounds so the figure card shows through.
func newChart(w, h int, xName string, x *scale, yName string, y *scale, grid bool) chartdraw.Chart {
	text := chartdraw.FontStyle{FontSize: tickFontSize, FontColor: inkColor}
	axis := chartdraw.Style{FontStyle: text, StrokeColor: axisColor, StrokeWidth: 1}
	name := chartdraw.Style{FontStyle: chartdraw.FontStyle{FontSize: nameFontSize, FontColor: inkColor}}
	gridStyle := chartdraw.Hidden()
	if grid {
		gridStyle = chartdraw.Style{StrokeColor: gridColor, StrokeWidth: 1}
	}
	return chartdraw.Chart{
		Width: w, Height: h,
		// The left padding holds the y axis name (see yAxisName).
		Background: chartdraw.Style{FillColor: transparent, StrokeColor: transparent,
			Padding: chartdraw.Box{Top: 10, Left: yNameX + 8, Right: 18, Bottom: 4, IsSet: true}},
		Canvas: chartdraw.Style{FillColor: transparent, StrokeColor: transparent},
		XAxis: chartdraw.XAxis{Name: xName, NameStyle: name, Style: axis, Range: x,
			GridMajorStyle: chartdraw.Hidden(), GridMinorStyle: chartdraw.Hidden()},
		// The primary (right-hand) axis is unused; a fixed range keeps
		// chartdraw from deriving one from no series.
		YAxis: chartdraw.YAxis{Style: chartdraw.Hidden(), Range: &chartdraw.ContinuousRange{Max: 1},
			GridMajorStyle: chartdraw.Hidden(), GridMinorStyle: chartdraw.Hidden()},
		YAxisSecondary: chartdraw.YAxis{Style: axis, Range: y, GridMajorStyle: gridStyle, GridMinorStyle: gridStyle},
		Elements:       []chartdraw.Renderable{yAxisName(yName, name)},
	}
}

// yAxisName writes the y axis name up the left edge, centred on the data
// area. chartdraw's own YAxis.Name, on a left-hand axis, reads downwards
// and can run into the tick labels, which it does not measure around.
func yAxisName(text string, style chartdraw.Style) chartdraw.Renderable {
	return func(r chartdraw.Renderer, box chartdraw.Box, defaults chartdraw.Style) {
		style.Font = defaults.Font
		style.TextRotationDegrees = 270
		tb := chartdraw.Draw.MeasureText(r, text, style)
		chartdraw.Draw.Text(r, text, yNameX, box.Top+(box.Height()+tb.Height())/2, style)
	}
}

// legend is chartdraw's boxed legend at the top left of the data area,
// naming every series that has a name.
func legend(c *chartdraw.Chart) chartdraw.Renderable {
	return chartdraw.Legend(c, chartdraw.Style{
		FontStyle:   chartdraw.FontStyle{FontSize: legendFontSize, FontColor: inkColor},
		FillColor:   drawing.Color{R: 0xff, G: 0xff, B: 0xff, A: 0xe6},
		StrokeColor: gridColor, StrokeWidth: 1,
	})
}

// scale is an axis range: chartdraw's linear ContinuousRange, over log10
// of the values when log is set, with the ticks chosen here so they fall on
// round numbers. (chartdraw's own tick generator spaces ticks evenly from
// the range's ends, giving labels like 0, 11, 21, 31; its LogarithmicRange
// scales log(v−min) rather than log(v) and ticks only powers of ten from 1.)
type scale struct {
	chartdraw.ContinuousRange
	log   bool
	ticks []chartdraw.Tick
}

// Translate implements chartdraw.Range.
func (s *scale) Translate(v float64) int {
	if s.log {
		v = math.Log10(v)
	}
	return s.ContinuousRange.Translate(v)
}

// GetTicks implements chartdraw.TicksProvider.
func (s *scale) GetTicks(chartdraw.ValueFormatter) []chartdraw.Tick { return s.ticks }

// linearScale spans lo..hi with about n round-numbered ticks. exact keeps
// the range at lo..hi (ticks inside it); otherwise it widens to the round
// ticks around lo and hi, so the top of the axis is labelled.
func linearScale(lo, hi float64, n int, exact bool) *scale {
	if hi <= lo { // one value: give it room
		d := math.Max(math.Abs(lo)/2, 1)
		if lo >= 0 && lo-d < 0 {
			lo, hi = 0, hi+d
		} else {
			lo, hi = lo-d, hi+d
		}
	}
	step := niceStep((hi - lo) / float64(n))
	first, last := math.Ceil(lo/step-1e-9), math.Floor(hi/step+1e-9)
	if !exact {
		first, last = math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
		lo, hi = first*step, last*step
	}
	decimals := max(0, -int(math.Floor(math.Log10(step))))
	s := &scale{ContinuousRange: chartdraw.ContinuousRange{Min: lo, Max: hi}}
	for k := first; k <= last; k++ {
		v := k * step
		s.ticks = append(s.ticks, chartdraw.Tick{Value: v, Label: result.FormatRounded(v, decimals)})
	}
	return s
}

// niceStep rounds a raw tick step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// logScale spans lo..hi (both > 0) on a log axis, widened to the 1-2-5
// values around them, which are its ticks (only the powers of ten when the
// data spans more than four decades).
func logScale(lo, hi float64) *scale {
	if hi <= lo {
		lo, hi = lo/2, hi*2
	}
	mults := []float64{1, 2, 5}
	if hi/lo > 1e4 {
		mults = []float64{1}
	}
	var vals []float64
	for e := math.Floor(math.Log10(lo)); ; e++ {
		p := math.Pow(10, e)
		for _, m := range mults {
			v := m * p
			switch {
			case v <= lo*(1+1e-9):
				vals = []float64{v} // the last value at or below lo starts the axis
			default:
				vals = append(vals, v)
			}
			if v >= hi*(1-1e-9) {
				s := &scale{log: true, ContinuousRange: chartdraw.ContinuousRange{
					Min: math.Log10(vals[0]), Max: math.Log10(vals[len(vals)-1])}}
				for _, v := range vals {
					s.ticks = append(s.ticks, chartdraw.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
				}
				return s
			}
		}
	}
}

// lineSeries is a line through xs, ys in file i's colour; dotted (with
// dot radius dot > 0) it also marks each point: a filled dot for even i, a
// ring for odd i when dot is at least 3 (a second, white, smaller dot on top), so files differ in
// more than colour. name "" keeps it out of the legend.
func lineSeries(name string, i int, xs, ys []float64, width float64, dash []float64, dot float64) []chartdraw.Series {
	line := chartdraw.ContinuousSeries{
		Name: name, YAxis: chartdraw.YAxisSecondary, XValues: xs, YValues: ys,
		Style: chartdraw.Style{StrokeColor: fileColor(i), StrokeWidth: width, StrokeDashArray: dash},
	}
	if dot <= 0 {
		return []chartdraw.Series{line}
	}
	line.Style.DotColor, line.Style.DotWidth = fileColor(i), dot
	out := []chartdraw.Series{line}
	if i%2 == 1 && dot >= 3 {
		out = append(out, chartdraw.ContinuousSeries{
			YAxis: chartdraw.YAxisSecondary, XValues: xs, YValues: ys,
			Style: chartdraw.Style{StrokeColor: transparent, StrokeWidth: 1, DotColor: drawing.ColorWhite, DotWidth: dot - 1.6},
		})
	}
	return out
}

// renderSVG draws c and returns its <svg> element ready to inline in HTML,
// marked as an image named title.
func renderSVG(title string, c chartdraw.Chart) (string, error) {
	var buf bytes.Buffer
	if err := c.Render(chartdraw.SVG, &buf); err != nil {
		return "", fmt.Errorf("rendering chart %q: %w", title, err)
	}
	s := buf.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("rendering chart %q: no <svg> element in the output", title)
	}
	s = s[:i+4] + ` class="chart" role="img" aria-label="` + html.EscapeString(title) + `"` + s[i+4:]
	// The SVG comes from chartdraw's renderer, which escapes text and
	// attribute values, so it is trusted markup (the page inlines it raw).
	return s[i:], nil
}

// chartOf renders c as the Chart titled title.
func chartOf(title string, c chartdraw.Chart) (Chart, error) {
	svg, err := renderSVG(title, c)
	if err != nil {
		return Chart{}, err
	}
	return Chart{Title: title, SVG: svg}, nil
}

func noData(title, why string) Chart { return Chart{Title: title, NoData: why} }
