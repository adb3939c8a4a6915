package htmlreport

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart is one figure of the page: an inline SVG, or a "no data" note.
type Chart struct {
	Title  string
	SVG    template.HTML // empty when NoData is set
	NoData string        // why there is nothing to draw
}

// sans is the font of every chart. The SVG names it "Liberation Sans"; the
// page's CSS falls back to Arial/Helvetica, which share its metrics, so the
// layout gonum computed holds without embedding fonts.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// palette gives each results file its colour, in command-line order
// (base blue, new orange, then more for further files).
var palette = []color.RGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0xe6, G: 0x6a, B: 0x00, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

func fileColor(i int) color.RGBA { return palette[i%len(palette)] }

// newPlot returns a plot with the page's fonts and a light grid.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, s := range []*font.Font{
		&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font,
	} {
		size := s.Size
		*s = font.From(sans, size)
	}
	p.X.Label.TextStyle.Font.Size = 10
	p.Y.Label.TextStyle.Font.Size = 10
	p.X.Tick.Label.Font.Size = 9
	p.Y.Tick.Label.Font.Size = 9
	p.Legend.TextStyle.Font.Size = 9
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = 6, -4
	p.BackgroundColor = color.Transparent
	p.X.Tick.Marker = cleanTicks{plot.DefaultTicks{}}
	p.Y.Tick.Marker = cleanTicks{plot.DefaultTicks{}}
	return p
}

// cleanTicks wraps a gonum Ticker and rewrites its labels in the shortest
// form ("2500" rather than "2500.00"), keeping its choice of positions.
type cleanTicks struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (t cleanTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := t.Ticker.Ticks(lo, hi)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'g', 6, 64)
		}
	}
	return ticks
}

// renderSVG draws p on an SVG canvas of w×h and returns the <svg> element
// ready to inline in HTML (the XML prolog and comment dropped).
func renderSVG(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("rendering a chart: %w", err)
	}
	s := buf.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("rendering a chart: no <svg> element in the output")
	}
	s = s[:i+4] + ` class="chart" role="img"` + s[i+4:]
	// The SVG comes from gonum's renderer with our own escaped labels
	// (svgo escapes text), so it is trusted markup.
	return template.HTML(s[i:]), nil // #nosec G203 -- generated, not user HTML
}

// chartOf renders p as the Chart titled title.
func chartOf(title string, p *plot.Plot, w, h vg.Length) (Chart, error) {
	svg, err := renderSVG(p, w, h)
	if err != nil {
		return Chart{}, err
	}
	return Chart{Title: title, SVG: svg}, nil
}

func noData(title, why string) Chart { return Chart{Title: title, NoData: why} }
