package diff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/harness-gpu/harness/internal/report"
)

// WriteText renders the report for a terminal: aligned columns, one block
// per step, then the assertion transitions and a one-line summary.
func WriteText(w io.Writer, r *Report) error {
	ew := report.NewErrWriter(w)
	writeTextHeader(ew, r)
	for _, c := range r.Capacity {
		ew.Printf("\nsearch %s: %s\n", c.Search, c.Sentence())
	}
	for _, sd := range r.Steps {
		ew.Printf("\nstep %s", sd.Name)
		if sd.BaseStatus != sd.NewStatus {
			ew.Printf(" (status %s → %s)", sd.BaseStatus, sd.NewStatus)
		}
		ew.Printf("\n")
		rows := [][]string{{"metric", "base", "new", "Δ", "Δ%", ""}}
		for _, m := range sd.Metrics {
			rows = append(rows, []string{label(m), num(m.Base), num(m.New), signed(m.Delta), pct(m.DeltaPct), markText(m.Mark)})
		}
		writeTable(ew, "  ", rows)
	}
	writeTextTail(ew, r)
	return ew.Err()
}

func writeTextHeader(ew *report.ErrWriter, r *Report) {
	ew.Printf("harness diff (threshold %s)\n", FormatThreshold(r.Threshold))
	var rows [][]string
	for _, row := range headerRows(r) {
		rows = append(rows, []string{row[0], row[1], row[2], ""})
	}
	writeHeaderTable(ew, rows)
	for _, wmsg := range r.Warnings {
		ew.Printf("warning: %s\n", wmsg)
	}
	for _, n := range r.Notes {
		ew.Printf("note: %s\n", n)
	}
}

func writeTextTail(ew *report.ErrWriter, r *Report) {
	if len(r.OnlyInBase) > 0 {
		ew.Printf("\nsteps only in base: %s\n", strings.Join(r.OnlyInBase, ", "))
	}
	if len(r.OnlyInNew) > 0 {
		ew.Printf("\nsteps only in new: %s\n", strings.Join(r.OnlyInNew, ", "))
	}
	ew.Printf("\nassertions\n")
	if len(r.Assertions) == 0 {
		ew.Printf("  no changes\n")
	}
	for _, a := range r.Assertions {
		ew.Printf("  %-10s %s on %s\n", a.Transition, a.Assert, a.Step)
	}
	ew.Printf("\n%s\n", summary(r))
}

// headerRows is the environment table shared by text and Markdown.
func headerRows(r *Report) [][3]string {
	rows := [][3]string{
		{"", "base", "new"},
		{"file", r.Base.Path, r.New.Path},
		{"scenario", r.Base.Scenario, r.New.Scenario},
		{"sha256", short(r.Base.SHA256), short(r.New.SHA256)},
		{"gpu", gpus(r.Base.GPUs), gpus(r.New.GPUs)},
		{"host", r.Base.Host, r.New.Host},
		{"harness", r.Base.HarnessVersion, r.New.HarnessVersion},
		{"started", stamp(r.Base), stamp(r.New)},
		{"verdict", string(r.Base.Verdict), string(r.New.Verdict)},
	}
	return rows
}

func gpus(g []string) string {
	if len(g) == 0 {
		return "(none seen)"
	}
	return strings.Join(g, ", ")
}

func stamp(s Side) string {
	if s.StartedAt.IsZero() {
		return "(unknown)"
	}
	return s.StartedAt.UTC().Format("2006-01-02 15:04:05Z")
}

// summary is the last line: the counts and what the gate would say.
func summary(r *Report) string {
	s := fmt.Sprintf("%d regressed, %d improved beyond %s; %d assertion(s) broke (pass→fail)",
		r.Regressions, r.Improvements, FormatThreshold(r.Threshold), r.Broken)
	if r.Regressed() {
		return s + ": REGRESSION"
	}
	return s + ": no regression"
}

// writeHeaderTable aligns the environment table, all columns left-aligned.
func writeHeaderTable(ew *report.ErrWriter, rows [][]string) {
	widths := make([]int, 3)
	for _, r := range rows {
		for i := range widths {
			widths[i] = max(widths[i], utf8.RuneCountInString(r[i]))
		}
	}
	for _, r := range rows {
		line := fmt.Sprintf("%s%s  %s%s  %s", r[0], strings.Repeat(" ", widths[0]-utf8.RuneCountInString(r[0])),
			r[1], strings.Repeat(" ", widths[1]-utf8.RuneCountInString(r[1])), r[2])
		ew.Printf("%s\n", strings.TrimRight(line, " "))
	}
}
