package dsl

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
)

// WriteDiagnostics renders diags the way compilers do, so that editors and CI
// annotate them: "path:line:col: error: summary", then the source line with
// a caret under the subject range, then the detail, then, for diagnostics of
// a failed assertion (Expression and EvalContext set), the values the
// expression read ("latency.p95 as 612.4"). files supplies the source lines;
// color adds ANSI colours for a terminal.
func WriteDiagnostics(w io.Writer, files map[string]*hcl.File, diags hcl.Diagnostics, color bool) error {
	bw := bufio.NewWriter(w)
	for _, d := range diags {
		if d == nil {
			continue
		}
		writeDiagnostic(bw, files, d, color)
	}
	return bw.Flush()
}

func writeDiagnostic(w *bufio.Writer, files map[string]*hcl.File, d *hcl.Diagnostic, color bool) {
	sev, paint := "error", ansiRed
	if d.Severity == hcl.DiagWarning {
		sev, paint = "warning", ansiYellow
	}
	if color {
		sev = paint + sev + ansiReset
	}
	summary := d.Summary
	if color {
		summary = ansiBold + summary + ansiReset
	}
	if d.Subject != nil {
		fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, sev, summary)
		writeSnippet(w, files, *d.Subject, color, paint)
	} else {
		fmt.Fprintf(w, "%s: %s\n", sev, summary)
	}
	if d.Detail != "" {
		for _, line := range strings.Split(d.Detail, "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	for _, v := range diagValues(d) {
		fmt.Fprintf(w, "  - %s\n", v)
	}
	fmt.Fprintln(w)
}

// writeSnippet prints the subject's first line with its number and a caret
// line under the range (to the end of the line when the range goes on).
func writeSnippet(w *bufio.Writer, files map[string]*hcl.File, r hcl.Range, color bool, paint string) {
	f := files[r.Filename]
	if f == nil || r.Start.Line < 1 {
		return
	}
	line, ok := sourceLine(f.Bytes, r.Start.Line)
	if !ok {
		return
	}
	num := fmt.Sprintf("%d", r.Start.Line)
	fmt.Fprintf(w, " %s | %s\n", num, line)
	// Columns count characters; tabs stay tabs so the caret lines up.
	runes := []rune(line)
	var pad strings.Builder
	for i := 0; i < r.Start.Column-1 && i < len(runes); i++ {
		if runes[i] == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	width := len(runes) - (r.Start.Column - 1)
	if r.End.Line == r.Start.Line {
		width = r.End.Column - r.Start.Column
	}
	if width < 1 {
		width = 1
	}
	marks := "^" + strings.Repeat("~", width-1)
	if color {
		marks = paint + marks + ansiReset
	}
	fmt.Fprintf(w, " %s | %s%s\n", strings.Repeat(" ", len(num)), pad.String(), marks)
}

// sourceLine returns line n (1-based) of src without its newline.
func sourceLine(src []byte, n int) (string, bool) {
	for i := 1; len(src) > 0; i++ {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		if i == n {
			return strings.TrimRight(string(line), "\r"), true
		}
		src = rest
	}
	return "", false
}

// diagValues lists "traversal as value" for each name the diagnostic's
// expression reads that its context can resolve, sorted and without repeats.
func diagValues(d *hcl.Diagnostic) []string {
	if d.Expression == nil || d.EvalContext == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range d.Expression.Variables() {
		v, diags := t.TraverseAbs(d.EvalContext)
		if diags.HasErrors() {
			continue
		}
		s := TraversalString(t) + " as " + valueString(v)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// TraversalString writes t in canonical source form ("gpus[0].temperature.max",
// `status_codes["200"]`, "gpus[*]"), whatever the author's spacing: diagnostics
// show it, and assertions key their observed values by it.
func TraversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			b.WriteString("[" + valueString(s.Key) + "]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		}
	}
	return b.String()
}

// valueString is a short, readable form of v for diagnostics.
func valueString(v cty.Value) string {
	v, _ = v.Unmark()
	switch {
	case !v.IsKnown():
		return "unknown (no data)"
	case v.IsNull():
		return "null"
	case v.Type() == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return strconv.FormatFloat(f, 'f', -1, 64)
	case v.Type() == cty.String:
		return fmt.Sprintf("%q", v.AsString())
	case v.Type() == cty.Bool:
		return fmt.Sprintf("%t", v.True())
	}
	return "a " + v.Type().FriendlyName()
}
