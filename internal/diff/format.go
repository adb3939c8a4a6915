package diff

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
)

// num formats a value for tables: result.Unknown when unknown, else up to three
// significant decimals without trailing zeros, so 0.5 ms and 612.4 ms
// both read naturally.
func num(v *float64) string {
	if v == nil {
		return result.Unknown
	}
	return result.FormatMeasure(*v)
}

// signed formats a delta with an explicit sign.
func signed(v *float64) string {
	if v == nil {
		return result.Unknown
	}
	s := result.FormatMeasure(*v)
	if *v > 0 {
		s = "+" + s
	}
	return s
}

// pct formats a delta percentage.
func pct(v *float64) string {
	if v == nil {
		return result.Unknown
	}
	s := strconv.FormatFloat(*v, 'f', 1, 64) + "%"
	if *v > 0 {
		s = "+" + s
	}
	return s
}

// label is a metric's name with its unit, as shown in tables.
func label(m MetricDiff) string {
	if m.Unit == "" {
		return m.Metric
	}
	return m.Metric + " (" + m.Unit + ")"
}

// markText is the mark as shown in tables ("" → "n/a").
func markText(m string) string {
	if m == "" {
		return "n/a"
	}
	return m
}

// writeTable writes rows as aligned columns: the first column left-aligned,
// the others right-aligned (numbers), the last one left-aligned (marks).
func writeTable(ew *report.ErrWriter, indent string, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	last := len(widths) - 1
	for _, r := range rows {
		var b strings.Builder
		b.WriteString(indent)
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			switch {
			case i == 0:
				b.WriteString(c + pad)
			case i == last:
				b.WriteString("  " + c)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		ew.Printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}
