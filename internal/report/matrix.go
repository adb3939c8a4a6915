package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/harness-gpu/harness/internal/result"
)

// ANSI styles of the matrix, used only when color is on.
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrDim    = "\x1b[2m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
)

// matrix is the steps × assertions grid built from a results file.
type matrix struct {
	steps   []string
	asserts []string
	cells   map[[2]string]result.Assertion // by {step, assert}
}

func buildMatrix(f *result.File) matrix {
	m := matrix{cells: map[[2]string]result.Assertion{}}
	seenStep, seenAssert := map[string]bool{}, map[string]bool{}
	addStep := func(s string) {
		if !seenStep[s] {
			seenStep[s] = true
			m.steps = append(m.steps, s)
		}
	}
	for _, s := range f.Steps {
		if s.Probe == nil { // a probe's assertions never count: the summary's search line says what they found
			addStep(s.Name)
		}
	}
	for _, a := range f.Assertions {
		addStep(a.Step)
		if !seenAssert[a.Name] {
			seenAssert[a.Name] = true
			m.asserts = append(m.asserts, a.Name)
		}
		m.cells[[2]string{a.Step, a.Name}] = a
	}
	return m
}

// cell is the text of one grid cell ("✓ 212.3") and its colour.
func (m matrix) cell(step, assert string) (text, color string) {
	a, ok := m.cells[[2]string{step, assert}]
	if !ok {
		return markNA, sgrDim
	}
	o := result.OutcomeOf(a)
	if o == result.OutcomeNotRun {
		return o.Mark() + " " + o.String(), sgrDim
	}
	text = o.Mark()
	if _, v, ok := primaryObserved(a); ok {
		text += " " + result.FormatValue(v)
	}
	return text, outcomeColor(o)
}

// outcomeColor is the ANSI colour of an outcome's mark.
func outcomeColor(o result.Outcome) string {
	switch {
	case o == result.OutcomePass:
		return sgrGreen
	case o.Warning():
		return sgrYellow
	case o.Failing():
		return sgrRed
	}
	return sgrDim
}

// WriteMatrix writes the end-of-run assertion matrix: steps (rows) ×
// assertions (columns), each cell the outcome's mark (result.Outcome.Mark:
// ✓ pass, ✗ fail, ! error, ⚠ a breached warn-severity assert, ⚠? one that
// had no data, ? unknown, – not applicable or not run) and the observed
// value of the first name the condition reads; then every failure and error
// with its message, observed values and source location, the warnings
// likewise, and the verdict. ANSI colour only when
// color is true (the caller decides: a terminal, no NO_COLOR).
func WriteMatrix(w io.Writer, f *result.File, color bool) error {
	ew := NewErrWriter(w)
	p := matrixPainter(color)
	m := buildMatrix(f)
	fmt.Fprintf(ew, "%s\n\n", p(sgrBold, fmt.Sprintf("Assertions: %s", f.Scenario.Name)))
	if len(m.asserts) == 0 {
		fmt.Fprintln(ew, "  no assertions were evaluated")
	} else {
		writeMatrixGrid(ew, m, p)
	}
	writeMatrixProblems(ew, f, p)
	writeMatrixVerdict(ew, f, p)
	return ew.Err()
}

// writeMatrixGrid lays the grid out in columns padded by visible width, so that
// colour codes and multi-byte marks do not skew the alignment.
func writeMatrixGrid(w io.Writer, m matrix, p func(style, s string) string) {
	widths := make([]int, len(m.asserts)+1)
	widths[0] = matrixWidth("step")
	for _, s := range m.steps {
		widths[0] = max(widths[0], matrixWidth(s))
	}
	for j, a := range m.asserts {
		widths[j+1] = matrixWidth(a)
		for _, s := range m.steps {
			t, _ := m.cell(s, a)
			widths[j+1] = max(widths[j+1], matrixWidth(t))
		}
	}
	header := []string{matrixPad("step", widths[0])}
	for j, a := range m.asserts {
		header = append(header, matrixPad(a, widths[j+1]))
	}
	fmt.Fprintf(w, "  %s\n", p(sgrBold, strings.TrimRight(strings.Join(header, "  "), " ")))
	for _, s := range m.steps {
		row := []string{matrixPad(s, widths[0])}
		for j, a := range m.asserts {
			t, c := m.cell(s, a)
			row = append(row, p(c, t)+strings.Repeat(" ", widths[j+1]-matrixWidth(t)))
		}
		fmt.Fprintf(w, "  %s\n", strings.TrimRight(strings.Join(row, "  "), " "))
	}
}

// writeMatrixProblems lists each failure and error, then each warning, with
// message, observed values and source location, under the heading the
// outcome names.
func writeMatrixProblems(w io.Writer, f *result.File, p func(style, s string) string) {
	byHeading := map[string][]result.Assertion{}
	for _, a := range f.Assertions {
		if h := result.OutcomeOf(a).Heading(); h != "" {
			byHeading[h] = append(byHeading[h], a)
		}
	}
	// Failures first: they are what changed the exit code.
	headings := []string{result.OutcomeFail.Heading(), result.OutcomeWarn.Heading()}
	for _, h := range headings {
		if len(byHeading[h]) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", p(sgrBold, h+":"))
		for _, a := range byHeading[h] {
			o := result.OutcomeOf(a)
			writeMatrixProblem(w, a, o, p(outcomeColor(o), o.Mark()))
		}
	}
}

func writeMatrixProblem(w io.Writer, a result.Assertion, o result.Outcome, mark string) {
	head := fmt.Sprintf("  %s %s in step %s", mark, a.Name, a.Step)
	switch o {
	case result.OutcomeWarnNoData:
		head += " (" + o.String() + ")"
	case result.OutcomeUnknown:
		head = fmt.Sprintf("  %s %s in step %s (unknown: status %q, severity %q)", mark, a.Name, a.Step, a.Status, a.Severity)
	}
	if a.Range != "" {
		head += "  " + a.Range
	}
	fmt.Fprintln(w, head)
	if a.Message != "" {
		fmt.Fprintf(w, "      %s\n", a.Message)
	}
	if a.Condition != "" {
		fmt.Fprintf(w, "      condition: %s\n", a.Condition)
	}
	for _, l := range ObservedLines(a.Observed) {
		fmt.Fprintf(w, "      %s\n", l)
	}
}

// writeMatrixVerdict ends with the verdict, the exit code and the count of
// each outcome; outcomes no assertion had are left out, except pass and
// fail.
func writeMatrixVerdict(w io.Writer, f *result.File, p func(style, s string) string) {
	counts := map[result.Outcome]int{}
	for _, a := range f.Assertions {
		counts[result.OutcomeOf(a)]++
	}
	style := sgrGreen
	if f.ExitCode != 0 {
		style = sgrRed
	}
	verdict := p(sgrBold+style, strings.ToUpper(string(f.Verdict)))
	parts := []string{}
	for _, o := range []result.Outcome{result.OutcomePass, result.OutcomeFail, result.OutcomeError, result.OutcomeUnknown,
		result.OutcomeWarn, result.OutcomeWarnNoData, result.OutcomeNotRun} {
		if counts[o] > 0 || o == result.OutcomePass || o == result.OutcomeFail {
			parts = append(parts, fmt.Sprintf("%d %s", counts[o], o))
		}
	}
	fmt.Fprintf(w, "\nVerdict: %s (exit %d): %s\n", verdict, f.ExitCode, strings.Join(parts, ", "))
	if f.Reason != "" {
		fmt.Fprintf(w, "  %s\n", f.Reason)
	}
}

// matrixPainter returns a function that wraps text in an ANSI style, or leaves it
// alone when color is off.
func matrixPainter(color bool) func(style, s string) string {
	if !color {
		return func(_, s string) string { return s }
	}
	return func(style, s string) string { return style + s + sgrReset }
}

// matrixWidth is the visible width of s: every rune the matrix uses is one column.
func matrixWidth(s string) int { return utf8.RuneCountInString(s) }

// matrixPad pads s with spaces to the visible width w.
func matrixPad(s string, w int) string { return s + strings.Repeat(" ", max(0, w-matrixWidth(s))) }

// markNA marks a cell whose assert does not apply to the step.
const markNA = "–"

// primaryObserved picks the value a matrix cell shows: the condition
// namespace name that appears first in the condition's text (var. and
// local. are inputs, not observations), else the first name in key order.
// For an error (a warn-severity one included), the first name with no
// value wins, since that is the cause.
func primaryObserved(a result.Assertion) (string, any, bool) {
	keys := sortedKeys(a.Observed)
	best, bestAt := "", math.MaxInt
	missingOnly := a.Status == result.StatusError && hasMissing(a.Observed)
	for _, k := range keys {
		if strings.HasPrefix(k, "var.") || strings.HasPrefix(k, "local.") ||
			(missingOnly && a.Observed[k] != nil) {
			continue
		}
		at := strings.Index(a.Condition, k)
		if at < 0 {
			at = math.MaxInt - 1
		}
		if at < bestAt {
			best, bestAt = k, at
		}
	}
	if best == "" && len(keys) > 0 {
		best = keys[0]
	}
	if best == "" {
		return "", nil, false
	}
	return best, a.Observed[best], true
}

func hasMissing(obs map[string]any) bool {
	for _, v := range obs {
		if v == nil {
			return true
		}
	}
	return false
}

// ObservedLines renders each observed value as "name = value", in key
// order: the console problem list, JUnit bodies and HTML cells all show them so.
func ObservedLines(obs map[string]any) []string {
	keys := sortedKeys(obs)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + " = " + result.FormatValue(obs[k])
	}
	return lines
}
