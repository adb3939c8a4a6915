package htmlreport

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// band is one step's span on a time axis, in seconds from the run start.
type band struct {
	name                string
	start, rampEnd, end float64
}

// stepBands is a gonum plot.Plotter that shades each step's span over the
// full height of the data area (alternating tints, the ramp a shade darker)
// and writes the step name at the top. Added first, it lies under the lines.
type stepBands []band

var (
	bandTints = []color.RGBA{{R: 0xf3, G: 0xf5, B: 0xf8, A: 0xff}, {R: 0xe6, G: 0xeb, B: 0xf2, A: 0xff}}
	rampTint  = color.RGBA{R: 0xfc, G: 0xef, B: 0xd9, A: 0xff}
)

// Plot implements plot.Plotter.
func (b stepBands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	clip := func(x vg.Length) vg.Length { return max(c.Min.X, min(c.Max.X, x)) }
	rect := func(x0, x1 float64, clr color.Color) {
		l, r := clip(trX(x0)), clip(trX(x1))
		if r <= l {
			return
		}
		c.FillPolygon(clr, []vg.Point{{X: l, Y: c.Min.Y}, {X: r, Y: c.Min.Y}, {X: r, Y: c.Max.Y}, {X: l, Y: c.Max.Y}})
	}
	sty := draw.TextStyle{
		Color: color.RGBA{R: 0x55, G: 0x5f, B: 0x6d, A: 0xff}, Font: font.From(sans, 7.5),
		XAlign: draw.XCenter, YAlign: draw.YTop, Handler: text.Plain{Fonts: font.DefaultCache},
	}
	for i, s := range b {
		rect(s.start, s.end, bandTints[i%2])
		if s.rampEnd > s.start {
			rect(s.start, s.rampEnd, rampTint)
		}
		mid := (clip(trX(s.start)) + clip(trX(s.end))) / 2
		if mid > c.Min.X && mid < c.Max.X {
			c.FillText(sty, vg.Point{X: mid, Y: c.Max.Y - 2}, s.name)
		}
	}
}

// vline is a gonum plot.Plotter drawing a dashed vertical line across the
// data area at x, with a label at its top: the capacity knee.
type vline struct {
	x     float64
	label string
	color color.Color
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	if x < c.Min.X || x > c.Max.X {
		return
	}
	ls := draw.LineStyle{Color: v.color, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	c.StrokeLine2(ls, x, c.Min.Y, x, c.Max.Y)
	sty := draw.TextStyle{
		Color: v.color, Font: font.From(sans, 8), XAlign: draw.XRight, YAlign: draw.YTop,
		Handler: text.Plain{Fonts: font.DefaultCache},
	}
	c.FillText(sty, vg.Point{X: x - 3, Y: c.Max.Y - 3}, v.label)
}
