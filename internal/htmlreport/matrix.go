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

// Cell is one (step, assert) outcome; Applies false means the assert does
// not apply to the step.
type Cell struct {
	Applies  bool
	Outcome  result.Outcome // how the assertion is presented, as in the console and JUnit
	Observed string         // "latency.p95 = 612.4"
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
		m.Rows[r].Cells[col[a.Name]] = Cell{Applies: true, Outcome: result.OutcomeOf(a), Observed: strings.Join(report.ObservedLines(a.Observed), ", "), Message: a.Message}
	}
	return m
}
