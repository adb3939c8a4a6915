// Package htmlreport renders `harness report`: one self-contained HTML page
// (inline CSS and SVG, no script, no network at view time) with charts drawn
// by gonum.org/v1/plot, the assertion matrix and the environment of one or
// more results files. With several files, the series overlay, base first.
package htmlreport

import (
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"time"
)

//go:embed page.html.tmpl
var pageSource string

//go:embed style.css
var styleSource string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"statusClass": statusClass,
	"stamp":       stamp,
	"gpuMem":      func(m float64) string { return fmt.Sprintf("%.0f MiB", m) },
	"seconds":     func(s float64) string { return fmt.Sprintf("%gs", s) },
}).Parse(pageSource))

// pageData is what the template reads.
type pageData struct {
	Title       string
	Generated   string
	Style       template.CSS
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
	d := pageData{Title: title(inputs), Generated: stamp(now), Style: template.CSS(styleSource)}
	for i, in := range inputs {
		c := fileColor(i)
		d.Files = append(d.Files, fileView{Input: in, Swatch: template.CSS(fmt.Sprintf("background:#%02x%02x%02x", c.R, c.G, c.B)),
			VerdictClass: "v-" + in.File.Verdict, Role: role(i, len(inputs))})
	}
	var err error
	if d.Capacity, err = capacityCharts(inputs); err != nil {
		return err
	}
	if d.Percentiles, err = percentileChart(inputs); err != nil {
		return err
	}
	if d.TimeSeries, err = timeSeriesCharts(inputs); err != nil {
		return err
	}
	for _, in := range inputs {
		d.Matrices = append(d.Matrices, matrixOf(in))
	}
	return page.Execute(w, d)
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
	Swatch       template.CSS // the file's colour in the charts
	VerdictClass string
	Role         string // "base", "new" or "run N"
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
