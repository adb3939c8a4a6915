package htmlreport

import (
	"github.com/go-analyze/charts/chartdraw"
	"github.com/go-analyze/charts/chartdraw/drawing"
)

// annotation is the chartdraw.Series plumbing shared by the custom series
// below: no name (so no legend entry), no values (so no say in the axis
// ranges), drawn against the left-hand axis like every series here.
type annotation struct{}

func (annotation) GetName() string               { return "" }
func (annotation) GetYAxis() chartdraw.YAxisType { return chartdraw.YAxisSecondary }
func (annotation) GetStyle() chartdraw.Style     { return chartdraw.Style{} }
func (annotation) Validate() error               { return nil }

// clampX keeps a pixel column inside the data area.
func clampX(box chartdraw.Box, x int) int { return max(box.Left, min(box.Right, x)) }

// band is one step's span on a time axis, in seconds from the run start.
type band struct {
	name                string
	start, rampEnd, end float64
}

// stepBands is a chartdraw.Series that shades each step's span over the
// full height of the data area (alternating tints, the ramp in its own
// tint) and writes the step name at the top. Listed first, it lies under
// the lines.
type stepBands struct {
	annotation
	bands []band
}

var (
	bandTints = []drawing.Color{{R: 0xf3, G: 0xf5, B: 0xf8, A: 0xff}, {R: 0xe6, G: 0xeb, B: 0xf2, A: 0xff}}
	rampTint  = drawing.Color{R: 0xfc, G: 0xef, B: 0xd9, A: 0xff}
)

// Render implements chartdraw.Series.
func (b stepBands) Render(r chartdraw.Renderer, box chartdraw.Box, xr, _ chartdraw.Range, defaults chartdraw.Style) {
	px := func(x float64) int { return clampX(box, box.Left+xr.Translate(x)) }
	rect := func(x0, x1 float64, c drawing.Color) {
		if l, rt := px(x0), px(x1); rt > l {
			chartdraw.Draw.Box(r, chartdraw.Box{Top: box.Top, Left: l, Right: rt, Bottom: box.Bottom, IsSet: true},
				chartdraw.Style{FillColor: c, StrokeColor: transparent})
		}
	}
	label := chartdraw.Style{FontStyle: chartdraw.FontStyle{Font: defaults.Font, FontSize: 7.5, FontColor: mutedColor}}
	for i, s := range b.bands {
		rect(s.start, s.end, bandTints[i%2])
		if s.rampEnd > s.start {
			rect(s.start, s.rampEnd, rampTint)
		}
		l, rt := px(s.start), px(s.end)
		tb := chartdraw.Draw.MeasureText(r, s.name, label)
		if tb.Width() <= rt-l { // a name wider than its band would run into the next one
			chartdraw.Draw.Text(r, s.name, (l+rt-tb.Width())/2, box.Top+tb.Height()+3, label)
		}
	}
}

// vline is a chartdraw.Series drawing a dashed vertical line across the
// data area at x, labelled at its foot: the capacity knee. row stacks the
// labels of several files' knees.
type vline struct {
	annotation
	x     float64
	label string
	color drawing.Color
	row   int
}

// Render implements chartdraw.Series.
func (v vline) Render(r chartdraw.Renderer, box chartdraw.Box, xr, _ chartdraw.Range, defaults chartdraw.Style) {
	x := box.Left + xr.Translate(v.x)
	if x < box.Left || x > box.Right {
		return
	}
	line := chartdraw.Style{StrokeColor: v.color, StrokeWidth: 1.5, StrokeDashArray: []float64{5, 4}}
	line.GetStrokeOptions().WriteToRenderer(r)
	r.MoveTo(x, box.Top)
	r.LineTo(x, box.Bottom)
	r.Stroke()
	r.ResetStyle()
	// The label goes right of the line near the x axis: right of the knee
	// both throughput (saturated) and latency (rising) run high.
	label := chartdraw.Style{FontStyle: chartdraw.FontStyle{Font: defaults.Font, FontSize: noteFontSize, FontColor: v.color}}
	tb := chartdraw.Draw.MeasureText(r, v.label, label)
	lx := x + 4
	if lx+tb.Width() > box.Right { // no room on the right: go left of the line
		lx = x - 4 - tb.Width()
	}
	chartdraw.Draw.Text(r, v.label, lx, box.Bottom-5-v.row*(tb.Height()+3), label)
}
