package diff

import (
	"io"
	"strings"

	"github.com/harness-gpu/harness/internal/report"
)

// WriteMarkdown renders the report as GitHub-flavoured Markdown, fit to
// paste in a pull request: an environment table, a table per
// step, and the assertion transitions.
func WriteMarkdown(w io.Writer, r *Report) error {
	ew := report.NewErrWriter(w)
	ew.Printf("## harness diff: %s → %s\n\n", mdCode(baseName(r.Base.Path)), mdCode(baseName(r.New.Path)))
	ew.Printf("%s\n\n", mdEscape(summary(r)))
	for _, c := range r.Capacity {
		ew.Printf("**Search %s: %s**\n\n", mdCode(c.Search), mdEscape(c.Sentence()))
	}
	rows := headerRows(r)
	ew.Printf("| | base | new |\n|---|---|---|\n")
	for _, row := range rows[1:] {
		ew.Printf("| %s | %s | %s |\n", mdEscape(row[0]), mdEscape(row[1]), mdEscape(row[2]))
	}
	for _, wmsg := range r.Warnings {
		ew.Printf("\n> **Warning:** %s\n", mdEscape(wmsg))
	}
	for _, n := range r.Notes {
		ew.Printf("\n> Note: %s\n", mdEscape(n))
	}
	for _, sd := range r.Steps {
		ew.Printf("\n### Step %s", mdCode(sd.Name))
		if sd.BaseStatus != sd.NewStatus {
			ew.Printf(" (status %s → %s)", mdEscape(string(sd.BaseStatus)), mdEscape(string(sd.NewStatus)))
		}
		ew.Printf("\n\n| metric | base | new | Δ | Δ %% | |\n|---|--:|--:|--:|--:|---|\n")
		for _, m := range sd.Metrics {
			ew.Printf("| %s | %s | %s | %s | %s | %s |\n", mdLabel(m), num(m.Base), num(m.New),
				signed(m.Delta), pct(m.DeltaPct), mdMark(m.Mark))
		}
	}
	if len(r.OnlyInBase) > 0 {
		ew.Printf("\nSteps only in base: %s\n", mdList(r.OnlyInBase))
	}
	if len(r.OnlyInNew) > 0 {
		ew.Printf("\nSteps only in new: %s\n", mdList(r.OnlyInNew))
	}
	ew.Printf("\n### Assertions\n\n")
	if len(r.Assertions) == 0 {
		ew.Printf("No changes.\n")
		return ew.Err()
	}
	ew.Printf("| assert | step | base | new | change |\n|---|---|---|---|---|\n")
	for _, a := range r.Assertions {
		change := mdEscape(a.Transition)
		if a.Broken {
			change = "**" + change + "**"
		}
		ew.Printf("| %s | %s | %s | %s | %s |\n", mdCode(a.Assert), mdCode(a.Step),
			mdEscape(orDash(string(a.Base))), mdEscape(orDash(string(a.New))), change)
	}
	return ew.Err()
}

func mdMark(m string) string {
	switch m {
	case MarkRegressed:
		return "**regressed**"
	case MarkImproved:
		return "improved"
	}
	return markText(m)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// mdEscape keeps user text (step and assert names, paths) from breaking a
// table cell or turning into markup.
func mdEscape(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`",
		"<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "\n", " ", "\r", " ")
	return r.Replace(s)
}

// mdCode writes s as inline code; backticks inside are replaced since a
// code span cannot escape them portably, and pipes are escaped for tables.
func mdCode(s string) string {
	s = strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(s)
	return "`" + s + "`"
}

func mdList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = mdCode(n)
	}
	return strings.Join(out, ", ")
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// mdLabel is the metric name as code (no escapes needed) and its unit.
func mdLabel(m MetricDiff) string {
	if m.Unit == "" {
		return mdCode(m.Metric)
	}
	return mdCode(m.Metric) + " (" + mdEscape(m.Unit) + ")"
}
