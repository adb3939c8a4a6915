package htmlreport

import (
	"strings"

	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
)

// Matrix is one file's assertion matrix: steps down, asserts across.
type Matrix struct {
	Label   string
	Asserts []string
	Rows    []MatrixRow
}

// MatrixRow is one step's cells, aligned with Matrix.Asserts.
type MatrixRow struct {
	Step  string
	Cells []Cell
}

// Cell is one (step, assert) outcome; Status "" means the assert does not
// apply to the step.
type Cell struct {
	Status   string // an assertion status, or "warn" for a breached warn-severity assert
	Observed string // "latency.p95 = 612.4"
	Message  string
}

// matrixOf builds the matrix in the order steps and asserts first appear.
func matrixOf(in Input) Matrix {
	m := Matrix{Label: in.Label}
	col := map[string]int{}
	for _, a := range in.File.Assertions {
		if _, ok := col[a.Name]; !ok {
			col[a.Name] = len(m.Asserts)
			m.Asserts = append(m.Asserts, a.Name)
		}
	}
	row := map[string]int{}
	addRow := func(step string) int {
		if i, ok := row[step]; ok {
			return i
		}
		row[step] = len(m.Rows)
		m.Rows = append(m.Rows, MatrixRow{Step: step, Cells: make([]Cell, len(m.Asserts))})
		return row[step]
	}
	for _, s := range in.File.Steps {
		addRow(s.Name)
	}
	for _, a := range in.File.Assertions {
		r := addRow(a.Step)
		status := a.Status
		if report.WarnBreached(a) {
			status = statusWarn
		}
		m.Rows[r].Cells[col[a.Name]] = Cell{Status: status, Observed: strings.Join(report.ObservedLines(a.Observed), ", "), Message: a.Message}
	}
	return m
}

// statusWarn is the cell status of a breached warn-severity assert: like the
// console's ⚠, it is not shown as the failure it does not count as.
const statusWarn = "warn"

// statusClass maps a cell status to its CSS class; unknown statuses get none.
func statusClass(s string) string {
	switch s {
	case result.StatusPass, result.StatusFail, result.StatusError, statusWarn:
		return "st-" + s
	case result.StatusSkip:
		return "st-skip"
	}
	return ""
}
