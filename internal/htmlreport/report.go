// Package htmlreport renders `harness report`: one self-contained HTML page
// (inline CSS and SVG, no script, no network at view time) with charts drawn
// by the chartdraw package of github.com/go-analyze/charts, the assertion
// matrix and the environment of one or more results files. With several
// files, the series overlay, base first.
//
// chartdraw replaced gonum.org/v1/plot for the binary's size, which every
// harness command pays when loaded (`harness run` included): gonum's plot
// package embeds a dozen TTF fonts and pulls in LaTeX and PDF backends,
// about 7 MB of the image against about 1.2 MB for chartdraw, whose fonts
// are gzip-compressed and only decompressed when a chart is drawn. The page
// itself is built with maragu.dev/gomponents, not html/template (page.go
// says why).
package htmlreport

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"time"
)

//go:embed style.css
var styleSource string

// pageData is what the page (page.go) shows.
type pageData struct {
	Title       string
	Generated   string
	Files       []fileView
	Capacity    []Chart
	Percentiles Chart
	TimeSeries  []Chart
	Matrices    []Matrix
}

// Write renders the report of inputs (at least one) to w. now stamps the
// page; tests pass a fixed time.
func Write(w io.Writer, inputs []Input, now time.Time) error {
	if len(inputs) == 0 {
		return errors.New("no results file to report on")
	}
	d := pageData{Title: title(inputs), Generated: stamp(now)}
	for i, in := range inputs {
		c := fileColor(i)
		d.Files = append(d.Files, fileView{Input: in, Swatch: fmt.Sprintf("background:#%02x%02x%02x", c.R, c.G, c.B),
			Role: role(i, len(inputs))})
	}
	var err error
	if d.Capacity, err = capacityCharts(inputs); err != nil {
		return err
	}
	sc, err := streamCharts(inputs)
	if err != nil {
		return err
	}
	d.Capacity = append(d.Capacity, sc...)
	if d.Percentiles, err = percentileChart(inputs); err != nil {
		return err
	}
	if d.TimeSeries, err = timeSeriesCharts(inputs); err != nil {
		return err
	}
	for _, in := range inputs {
		d.Matrices = append(d.Matrices, matrixOf(in))
	}
	bw := bufio.NewWriter(w) // gomponents writes tag by tag
	if err := page(d).Render(bw); err != nil {
		return err
	}
	return bw.Flush()
}

func title(inputs []Input) string {
	name := inputs[0].File.Scenario.Name
	if name == "" {
		name = "harness"
	}
	if len(inputs) == 1 {
		return name + " — " + inputs[0].Label
	}
	return fmt.Sprintf("%s — %d runs compared", name, len(inputs))
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// fileView is an input with what the page shows beside it.
type fileView struct {
	Input
	Swatch string // style attribute: the file's colour in the charts
	Role   string // "base", "new" or "run N"
}

func role(i, n int) string {
	switch {
	case n == 1:
		return "run"
	case i == 0:
		return "base"
	case n == 2:
		return "new"
	}
	return fmt.Sprintf("run %d", i+1)
}
