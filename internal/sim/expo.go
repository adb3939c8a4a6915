package sim

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// expo writes Prometheus text exposition by hand, so that the output is
// byte-for-byte the shape the real servers print: HELP and TYPE verbatim,
// label order as theirs, values formatted as theirs.
type expo struct{ b bytes.Buffer }

type label struct{ name, value string }

func (e *expo) family(name, typ, help string) {
	fmt.Fprintf(&e.b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// single writes a family of one series.
func (e *expo) single(name, typ, help string, labels []label, value string) {
	e.family(name, typ, help)
	e.series(name, labels, value)
}

// series writes one sample line; value is already formatted.
func (e *expo) series(name string, labels []label, value string) {
	e.b.WriteString(name)
	if len(labels) > 0 {
		e.b.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				e.b.WriteByte(',')
			}
			e.b.WriteString(l.name)
			e.b.WriteString(`="`)
			e.b.WriteString(labelEscaper.Replace(l.value))
			e.b.WriteByte('"')
		}
		e.b.WriteByte('}')
	}
	e.b.WriteByte(' ')
	e.b.WriteString(value)
	e.b.WriteByte('\n')
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// tritonFloat formats as recent Triton (prometheus-cpp) does: "177", "32.09".
func tritonFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// dcgmFloat formats a double field as dcgm-exporter does: "16.365000".
func dcgmFloat(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// dcgmInt formats an integer field.
func dcgmInt(v float64) string { return strconv.FormatInt(int64(math.Round(v)), 10) }
