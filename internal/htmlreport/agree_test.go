package htmlreport

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
)

// TestReportsAgree renders the console matrix, JUnit and the HTML report
// from one results file holding every kind of assertion outcome (pass,
// fail, error, a breached warn, a warn without data, not run, an unknown
// status, an unknown severity) and checks that the three classify every
// assertion the same way, and the way the file means.
func TestReportsAgree(t *testing.T) {
	f, err := result.ReadFile("testdata/outcomes.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"ran/held":              "pass",
		"ran/breached":          "fail",
		"ran/no_data":           "error",
		"ran/warn_breached":     "warning",
		"ran/warn_no_data":      "warning",
		"ran/odd_status":        "unknown",
		"ran/odd_severity":      "unknown",
		"skipped/held":          "not run",
		"skipped/warn_breached": "not run",
	}
	var console, junit, page bytes.Buffer
	if err := report.WriteMatrix(&console, f, false); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteJUnit(&junit, f); err != nil {
		t.Fatal(err)
	}
	if err := Write(&page, []Input{{Path: "outcomes.json", Label: "outcomes", File: f}}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{
		"console": consoleClasses(t, console.String()),
		"junit":   junitClasses(t, junit.Bytes()),
		"html":    htmlClasses(t, page.String()),
	}
	for _, a := range f.Assertions {
		key := a.Step + "/" + a.Name
		for _, r := range []string{"console", "junit", "html"} {
			if g := got[r][key]; g != want[key] {
				t.Errorf("%s (status %q, severity %q): %s shows %q, want %q",
					key, a.Status, a.Severity, r, g, want[key])
			}
		}
	}
	if t.Failed() {
		t.Logf("console:\n%s\njunit:\n%s", console.String(), junit.String())
	}
}

// consoleClasses reads each grid cell's mark, and checks that the
// assertions listed under "Failures and errors" and "Warnings" are the ones
// whose mark says so.
func consoleClasses(t *testing.T, out string) map[string]string {
	marks := map[string]string{"✓": "pass", "✗": "fail", "!": "error", "⚠": "warning", "⚠?": "warning", "?": "unknown"}
	lines := strings.Split(out, "\n")
	cols := regexp.MustCompile(`\s{2,}`)
	got := map[string]string{}
	var asserts []string
	i := 2 // after the title and a blank line
	for ; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		fields := cols.Split(strings.TrimSpace(lines[i]), -1)
		if asserts == nil {
			asserts = fields[1:]
			continue
		}
		for j, cell := range fields[1:] {
			key := fields[0] + "/" + asserts[j]
			switch {
			case cell == "– not run":
				got[key] = "not run"
			case cell == "–":
			default:
				mark, _, _ := strings.Cut(cell, " ")
				got[key] = marks[mark]
				if got[key] == "" {
					got[key] = "mark " + mark
				}
			}
		}
	}
	entry := regexp.MustCompile(`^  \S+ (\S+) in step (\S+)`)
	section := ""
	for ; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " "):
			section = strings.TrimSuffix(l, ":")
		case l == "" || strings.HasPrefix(l, "Verdict"):
			if strings.HasPrefix(l, "Verdict") {
				section = ""
			}
		default:
			m := entry.FindStringSubmatch(l)
			if m == nil || section == "" {
				continue
			}
			key := m[2] + "/" + m[1]
			wantSection := "Failures and errors"
			if got[key] == "warning" {
				wantSection = "Warnings"
			}
			if section != wantSection {
				t.Errorf("console lists %s (grid: %s) under %q", key, got[key], section)
			}
		}
	}
	return got
}

func junitClasses(t *testing.T, doc []byte) map[string]string {
	var x struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
				} `xml:"failure"`
				Error *struct {
					Type string `xml:"type,attr"`
				} `xml:"error"`
				Skipped   *struct{} `xml:"skipped"`
				SystemOut string    `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(doc, &x); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range x.Suites {
		for _, c := range s.Cases {
			class := "pass"
			switch {
			case c.Failure != nil:
				class = "fail"
			case c.Error != nil && c.Error.Type == "unknown":
				class = "unknown"
			case c.Error != nil:
				class = "error"
			case c.Skipped != nil:
				class = "not run"
			case strings.HasPrefix(c.SystemOut, "WARNING"):
				class = "warning"
			}
			got[s.Name+"/"+c.Name] = class
		}
	}
	return got
}

func htmlClasses(t *testing.T, page string) map[string]string {
	classes := map[string]string{
		"st-pass": "pass", "st-fail": "fail", "st-error": "error", "st-unknown": "unknown",
		"st-warn": "warning", "st-warn-nodata": "warning", "st-not-run": "not run", "st-skip": "not run",
	}
	start := strings.Index(page, `<table class="matrix">`)
	if start < 0 {
		t.Fatal("no assertion matrix in the page")
	}
	table := page[start:]
	table = table[:strings.Index(table, "</table>")]
	head, body, _ := strings.Cut(table, "</thead>")
	th := regexp.MustCompile(`<th><code>([^<]*)</code></th>`)
	var asserts []string
	for _, m := range th.FindAllStringSubmatch(head, -1) {
		asserts = append(asserts, m[1])
	}
	td := regexp.MustCompile(`<td class="([^"]*)"`)
	got := map[string]string{}
	for _, row := range strings.Split(body, "<tr>")[1:] {
		step := th.FindStringSubmatch(row)[1]
		for j, m := range td.FindAllStringSubmatch(row, -1) {
			if m[1] == "na" {
				continue
			}
			c, ok := classes[m[1]]
			if !ok {
				c = "class " + m[1]
			}
			got[step+"/"+asserts[j]] = c
		}
	}
	return got
}
