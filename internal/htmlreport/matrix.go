package htmlreport

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

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
	Status   string
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
		m.Rows[r].Cells[col[a.Name]] = Cell{Status: a.Status, Observed: observed(a.Observed), Message: a.Message}
	}
	return m
}

// observed renders the values a condition referenced, sorted by name.
func observed(obs map[string]any) string {
	keys := make([]string, 0, len(obs))
	for k := range obs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+" = "+value(obs[k]))
	}
	return strings.Join(parts, ", ")
}

func value(v any) string {
	switch x := v.(type) {
	case nil:
		return "unknown"
	case float64:
		return fmt.Sprintf("%.4g", x)
	case string:
		return x
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// statusClass maps a status to its CSS class; unknown statuses get none.
func statusClass(s string) string {
	switch s {
	case result.StatusPass, result.StatusFail, result.StatusError:
		return "st-" + s
	case result.StatusSkip:
		return "st-skip"
	}
	return ""
}
