package htmlreport

import (
	"strconv"

	g "maragu.dev/gomponents"
	h "maragu.dev/gomponents/html"

	"github.com/harness-gpu/harness/internal/result"
)

// stepsTable is one file's steps with throughput, latency and what each ok
// request cost in GPU energy side by side, so a faster GPU's extra power
// shows next to the speed it bought. Unknown values are a dash.
func stepsTable(f fileView) g.Node {
	if len(f.File.Steps) == 0 {
		return g.Group{h.H3(g.Text(f.Role + ": " + f.Label)), h.P(h.Class("muted"), g.Text("This run has no steps."))}
	}
	head := []string{"step", "status", "req/s", "p95 (ms)", "GPU energy (J)", "J per request", "W per req/s"}
	return g.Group{
		h.H3(swatch(f), g.Text(f.Role+": "+f.Label)),
		h.Div(h.Class("scroll"), h.Table(h.Class("steps"),
			h.THead(h.Tr(g.Map(head, func(s string) g.Node { return h.Th(g.Text(s)) }))),
			h.TBody(g.Map(f.File.Steps, func(s result.Step) g.Node {
				var energy *float64
				src := ""
				if s.GPU != nil {
					energy, src = s.GPU.EnergyJ, s.GPU.EnergySource
				}
				eff := s.Efficiency
				if eff == nil {
					eff = &result.Efficiency{}
				}
				return h.Tr(
					h.Th(h.Code(g.Text(s.Name))),
					h.Td(g.Text(string(s.Status))),
					numCell(&s.Requests.RPS, ""),
					numCell(s.Percentiles().P95, ""),
					numCell(energy, energyNote(src)),
					numCell(eff.JoulesPerRequest, ""),
					numCell(eff.WattsPerRPS, ""),
				)
			})),
		)),
	}
}

// energyNote marks energy integrated from power samples: less exact than a
// counter, which needs no mark.
func energyNote(source string) string {
	if source == result.EnergyPowerIntegral {
		return "from power samples"
	}
	return ""
}

// numCell is a right-aligned number with about three significant digits,
// or a dash when unknown; note, when set, is its tooltip and an asterisk.
func numCell(v *float64, note string) g.Node {
	if v == nil {
		return h.Td(h.Class("na"), g.Text(result.Unknown))
	}
	return h.Td(h.Class("num"), g.Text(shortNum(*v)), g.If(note != "", h.Span(h.Title(note), g.Text("*"))))
}

func shortNum(v float64) string {
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
