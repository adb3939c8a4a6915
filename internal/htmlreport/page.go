package htmlreport

import (
	"maps"
	"slices"
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"github.com/harness-gpu/harness/internal/result"
)

// The page is built with gomponents rather than html/template: the
// template executor looks methods up by name at run time
// (reflect.Value.MethodByName), which makes the linker keep every exported
// method of every reachable type, about 4 MB of every harness binary.
// (gomponents imports html/template too, but only for HTMLEscapeString,
// which leaves the executor out of the binary.)
//
// Escaping: every string that comes from a results file or the command
// line goes through g.Text, g.Textf or an attribute helper (h.Class,
// h.Style, ...), which HTML-escape it. g.Raw is used in two places only,
// for markup this package generates itself: the embedded style sheet
// (style.css) and the charts' inline SVG (renderSVG, whose text chartdraw
// escapes).

// page is the whole report.
func page(d pageData) g.Node {
	return h.Doctype(h.HTML(h.Lang("en"),
		h.Head(
			h.Meta(h.Charset("utf-8")),
			h.Meta(h.Name("viewport"), h.Content("width=device-width, initial-scale=1")),
			h.TitleEl(g.Text(d.Title)),
			// Trusted: style.css, embedded in the binary. (CSS must not be
			// HTML-escaped.)
			h.StyleEl(g.Raw(styleSource)),
		),
		h.Body(h.Main(
			pageHeader(d),
			h.Section(h.ID("capacity"),
				h.H2(g.Text("Capacity")),
				h.P(h.Class("legend-note"), g.Text("Each point is one step's measured window. The dashed line marks the knee: the highest load whose throughput per unit of load is still at least 80% of the best step's.")),
				h.Div(h.Class("pair"), g.Map(d.Capacity, figure)),
			),
			h.Section(h.ID("latency"),
				h.H2(g.Text("Latency per step")),
				figure(d.Percentiles),
			),
			h.Section(h.ID("steps"),
				h.H2(g.Text("Throughput, latency and energy per step")),
				h.P(h.Class("legend-note"), g.Text("GPU energy is the measured window's, summed over the GPUs: from their energy counters, or (*) integrated from power samples. Per request counts the ok ones.")),
				g.Map(d.Files, stepsTable),
			),
			h.Section(h.ID("timeseries"),
				h.H2(g.Text("Time series")),
				h.P(h.Class("legend-note"),
					h.Span(h.Class("step")), g.Text(" measured window of a step (named at the top) · "),
					h.Span(h.Class("ramp")), g.Text(" ramp. Runs are aligned on the start of their first step."),
				),
				h.P(h.Class("legend-note"), g.Map(d.Files, func(f fileView) g.Node {
					// \u00a0: a no-break space (&nbsp;).
					return g.Group{swatch(f), g.Text(" " + f.Role + ": " + f.Label + " \u00a0 ")}
				})),
				g.Map(d.TimeSeries, figure),
			),
			h.Section(h.ID("assertions"),
				h.H2(g.Text("Assertions")),
				g.Map(d.Matrices, matrixTable),
			),
			h.Section(h.ID("environment"),
				h.H2(g.Text("Environment")),
				g.Map(d.Files, environment),
			),
			h.Footer(g.Text("Self-contained page: charts are inline SVG drawn by go-analyze/charts (chartdraw); no scripts, no network.")),
		)),
	))
}

// pageHeader is the title and one card per results file.
func pageHeader(d pageData) g.Node {
	return h.Header(
		h.H1(g.Text(d.Title)),
		h.Div(h.Class("muted"), g.Text("harness report · generated "+d.Generated)),
		h.Div(h.Class("runs"), g.Map(d.Files, func(f fileView) g.Node {
			return h.Div(h.Class("run"),
				h.Div(h.Class("role"), swatch(f), g.Text(f.Role)),
				h.Div(h.Strong(g.Text(f.Label))),
				h.Div(h.Class("muted"), g.Textf("%s · started %s · %d steps",
					f.File.Scenario.Name, stamp(f.File.StartedAt), len(f.File.Steps))),
				h.Div(g.Text("verdict "), h.Span(h.Class("verdict v-"+string(f.File.Verdict)), g.Text(string(f.File.Verdict))),
					g.If(f.File.Reason != "", g.Group{g.Text(" "), h.Span(h.Class("muted"), g.Text(f.File.Reason))})),
			)
		})),
	)
}

// swatch is the little square of a file's chart colour.
func swatch(f fileView) g.Node { return h.Span(h.Class("swatch"), h.Style(f.Swatch)) }

// figure is one chart, or its "no data" note.
func figure(c Chart) g.Node {
	body := h.Div(h.Class("nodata"), g.Text(c.NoData))
	if c.SVG != "" {
		// Trusted: the <svg> element renderSVG generated (chartdraw
		// escapes the text and attribute values in it).
		body = g.Raw(c.SVG)
	}
	return h.Figure(h.FigCaption(g.Text(c.Title)), body)
}

// matrixTable is one file's assertion matrix under its label.
func matrixTable(m Matrix) g.Node {
	if len(m.Asserts) == 0 {
		return g.Group{h.H3(g.Text(m.Label)), h.P(h.Class("muted"), g.Text("This run has no assertions."))}
	}
	return g.Group{
		h.H3(g.Text(m.Label)),
		h.Div(h.Class("scroll"), h.Table(h.Class("matrix"),
			h.THead(h.Tr(h.Th(g.Text("step")), g.Map(m.Asserts, func(a string) g.Node {
				return h.Th(h.Code(g.Text(a)))
			}))),
			h.TBody(g.Map(m.Rows, func(r MatrixRow) g.Node {
				return h.Tr(h.Th(h.Code(g.Text(r.Step))), g.Map(r.Cells, matrixCell))
			})),
		)),
	}
}

func matrixCell(c Cell) g.Node {
	if !c.Applies {
		return h.Td(h.Class("na"), g.Text("–"))
	}
	return h.Td(h.Class("st-"+c.Outcome.Class()),
		h.Span(h.Class("st"), g.Text(c.Outcome.String())),
		g.If(c.Observed != "", h.Span(h.Class("obs"), g.Text(c.Observed))),
		g.If(c.Message != "", h.Span(h.Class("msg"), g.Text(c.Message))),
	)
}

// environment is one file's environment table under its role and label.
func environment(f fileView) g.Node {
	sc, env := f.File.Scenario, f.File.Environment
	row := func(th string, td ...g.Node) g.Node { return h.Tr(h.Th(g.Text(th)), h.Td(td...)) }
	// with appends sep and v when v is set.
	with := func(sep, v string) g.Node { return g.If(v != "", g.Text(sep+v)) }
	var vars g.Node
	if len(sc.Variables) > 0 {
		vars = row("variables", g.Map(slices.Sorted(maps.Keys(sc.Variables)), func(k string) g.Node {
			return g.Group{h.Code(g.Text(k + " = " + sc.Variables[k])), h.Br()}
		}))
	}
	gpus := g.Map(env.GPUs, func(gpu result.GPUInfo) g.Node {
		return row("GPU "+strconv.Itoa(gpu.Index),
			g.Textf("%s · driver %s · %.0f MiB · ", gpu.Name, gpu.Driver, gpu.MemoryMiB),
			h.Code(g.Text(gpu.UUID)), with(" · seen by ", gpu.Sampler))
	})
	if len(env.GPUs) == 0 {
		gpus = g.Group{h.Tr(h.Th(g.Text("GPU")), h.Td(h.Class("muted"), g.Text("no GPU seen by a sampler")))}
	}
	return g.Group{
		h.H3(g.Text(f.Role + ": " + f.Label)),
		h.Table(h.Class("env"),
			row("results file", h.Code(g.Text(f.Path))),
			row("scenario", g.Text(sc.Name), with(" — ", sc.Description)),
			row("scenario file", h.Code(g.Text(sc.File)), g.Text(" · sha256 "), h.Code(g.Text(sc.SHA256))),
			vars,
			row("harness", g.Text(env.HarnessVersion), g.If(env.GoVersion != "", g.Text(" ("+env.GoVersion+")"))),
			row("host", g.Text(env.Host), with(" · ", env.OS)),
			gpus,
			row("run", g.Textf("%s → %s · exit code %d", stamp(f.File.StartedAt), stamp(f.File.EndedAt), f.File.ExitCode)),
			g.Map(f.File.Samplers, func(s result.SamplerInfo) g.Node {
				started := "not started"
				if s.Started {
					started = "started"
				}
				return row("sampler "+s.Name,
					g.Textf("%s · %s · %d samples, %d gaps", s.Kind, started, s.Samples, s.Gaps), with(" · ", s.Error))
			}),
			g.Map(f.File.Warnings, func(w string) g.Node { return row("warning", g.Text(w)) }),
		),
	}
}
