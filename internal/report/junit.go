package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/harness-gpu/harness/internal/result"
)

// JUnit XML in the common shape that GitLab, Jenkins, dorny/test-reporter
// and mikepenz/action-junit-report all read: <testsuites> with totals, one
// <testsuite> per step with tests/failures/errors/skipped/time, one
// <testcase name classname time> per assertion carrying at most one of
// <failure>, <error> or <skipped>.

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      string        `xml:"line,attr,omitempty"`
	Failure   *junitOutcome `xml:"failure,omitempty"`
	Error     *junitOutcome `xml:"error,omitempty"`
	Skipped   *junitOutcome `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitText is element text kept as CDATA, so that multi-line bodies stay
// readable in the file instead of turning into &#xA; escapes.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitOutcome struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

// WriteJUnit writes f's assertions as JUnit XML: a testsuite per step, a
// testcase per assertion (classname = scenario name, name = assert name),
// classified by result.OutcomeOf: <failure> for fail, <error> for error and
// for an unknown status or severity, <skipped> for a step that did not run,
// with the message, condition, observed values and source location in the
// body. A warn-severity assertion never fails the run, so a breached one or
// one without data is a passing testcase with the details in <system-out>.
func WriteJUnit(w io.Writer, f *result.File) error {
	doc := junitDocument(f)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitDocument(f *result.File) junitTestsuites {
	doc := junitTestsuites{Name: f.Scenario.Name}
	byStep := map[string][]result.Assertion{}
	for _, a := range f.Assertions {
		byStep[a.Step] = append(byStep[a.Step], a)
	}
	var total float64
	for _, st := range f.Steps {
		suite := junitSuite(f.Scenario.Name, st, byStep[st.Name])
		doc.Suites = append(doc.Suites, suite)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		doc.Skipped += suite.Skipped
		total += st.Measured.DurationS
	}
	doc.Time = junitSeconds(total)
	return doc
}

func junitSuite(class string, st result.Step, as []result.Assertion) junitTestsuite {
	s := junitTestsuite{
		Name: st.Name, Tests: len(as), Time: junitSeconds(st.Measured.DurationS),
		Properties: stepProperties(st),
	}
	if !st.Measured.Start.IsZero() {
		// Jenkins' schema wants ISO 8601 without a zone; the results file keeps the zone.
		s.Timestamp = st.Measured.Start.UTC().Format("2006-01-02T15:04:05")
	}
	for _, a := range as {
		tc := junitCase(class, a)
		switch {
		case tc.Failure != nil:
			s.Failures++
		case tc.Error != nil:
			s.Errors++
		case tc.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
	}
	return s
}

func stepProperties(st result.Step) []junitProperty {
	ps := []junitProperty{{"status", string(st.Status)}, {"model", string(st.Model)}}
	if st.Model == result.ModelOpen {
		ps = append(ps, junitProperty{"rate", strconv.FormatFloat(st.Rate, 'f', -1, 64)})
	} else {
		ps = append(ps, junitProperty{"users", strconv.Itoa(st.Users)})
	}
	return ps
}

func junitCase(class string, a result.Assertion) junitTestcase {
	tc := junitTestcase{Name: a.Name, Classname: class, Time: "0"}
	tc.File, tc.Line = splitRange(a.Range)
	body := xmlSafe(junitBody(a))
	switch o := result.OutcomeOf(a); {
	case o == result.OutcomeNotRun:
		tc.Skipped = &junitOutcome{Message: "step " + a.Step + " did not run"}
	case o.Warning():
		tc.SystemOut = &junitText{"WARNING (" + o.String() + "): " + body}
	case o == result.OutcomeFail:
		tc.Failure = &junitOutcome{Message: a.Message, Type: o.Class(), Body: body}
	case o == result.OutcomeError:
		tc.Error = &junitOutcome{Message: a.Message, Type: o.Class(), Body: body}
	case o == result.OutcomeUnknown:
		tc.Error = &junitOutcome{Message: fmt.Sprintf("unknown assertion status %q or severity %q", a.Status, a.Severity),
			Type: o.Class(), Body: body}
	}
	return tc
}

// junitBody is the text a CI page shows under a failing testcase.
func junitBody(a result.Assertion) string {
	var b strings.Builder
	if a.Message != "" {
		b.WriteString(a.Message + "\n")
	}
	fmt.Fprintf(&b, "step: %s\ncondition: %s\n", a.Step, a.Condition)
	if lines := ObservedLines(a.Observed); len(lines) > 0 {
		b.WriteString("observed:\n")
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
	}
	if a.Range != "" {
		b.WriteString("at: " + a.Range + "\n")
	}
	return b.String()
}

// splitRange turns "file:line:col" into the file and line attributes that
// mikepenz/action-junit-report uses for annotations.
func splitRange(r string) (file, line string) {
	parts := strings.Split(r, ":")
	if len(parts) < 3 {
		return r, ""
	}
	return strings.Join(parts[:len(parts)-2], ":"), parts[len(parts)-2]
}

// xmlSafe replaces the characters XML 1.0 cannot hold (encoding/xml writes
// CDATA as is) with U+FFFD, so a stray control byte in a message cannot make
// the whole file unreadable to a CI reporter.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

func junitSeconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
