package report

import (
	"bytes"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/golden"
)

func TestWriteJUnitGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, assertFixture()); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "junit_basic.golden"), b.Bytes())
}

// parsedJUnit mirrors the JUnit shape CI reporters read, independent of the
// writer's own types.
type parsedJUnit struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped   *struct{} `xml:"skipped"`
			SystemOut string    `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestWriteJUnitParses reads the XML back and checks that every count
// attribute agrees with the testcases it sums.
func TestWriteJUnitParses(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJUnit(&b, assertFixture()); err != nil {
		t.Fatal(err)
	}
	var doc parsedJUnit
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, b.String())
	}
	type counts struct{ Tests, Failures, Errors, Skipped int }
	var sum counts
	gotSuites := map[string]counts{}
	for _, s := range doc.Suites {
		var c counts
		for _, tc := range s.Cases {
			c.Tests++
			if tc.Classname != "ai-quality-capacity" {
				t.Errorf("%s/%s classname = %q", s.Name, tc.Name, tc.Classname)
			}
			switch {
			case tc.Failure != nil:
				c.Failures++
			case tc.Error != nil:
				c.Errors++
			case tc.Skipped != nil:
				c.Skipped++
			}
		}
		if c != (counts{s.Tests, s.Failures, s.Errors, s.Skipped}) {
			t.Errorf("suite %s attributes %+v, testcases %+v", s.Name, counts{s.Tests, s.Failures, s.Errors, s.Skipped}, c)
		}
		gotSuites[s.Name] = c
		sum.Tests, sum.Failures, sum.Errors, sum.Skipped = sum.Tests+c.Tests, sum.Failures+c.Failures, sum.Errors+c.Errors, sum.Skipped+c.Skipped
	}
	if sum != (counts{doc.Tests, doc.Failures, doc.Errors, doc.Skipped}) {
		t.Errorf("testsuites attributes %+v, suites sum %+v", counts{doc.Tests, doc.Failures, doc.Errors, doc.Skipped}, sum)
	}
	want := map[string]counts{
		"baseline":  {3, 0, 0, 0},
		"users_100": {4, 1, 1, 0}, // the warn breach passes
		"users_200": {4, 2, 0, 0}, // the warn error passes
		"users_400": {2, 0, 0, 2},
	}
	if diff := cmp.Diff(want, gotSuites); diff != "" {
		t.Errorf("per-suite counts (-want +got):\n%s", diff)
	}
	warnCase := doc.Suites[1].Cases[2]
	if warnCase.Name != "inference_warn" || !strings.Contains(warnCase.SystemOut, "inference 23.5 ms over 20 ms") {
		t.Errorf("warn testcase = %+v, want the breach in system-out", warnCase)
	}
	fail := doc.Suites[1].Cases[0].Failure
	if fail == nil || fail.Message != "p95 latency 612.4 ms is over 500 ms" || !strings.Contains(fail.Body, "latency.p95 = 612.4") {
		t.Errorf("failure = %+v, want message and observed value", fail)
	}
}

// TestWriteJUnitHostileText: CDATA terminators, control bytes and markup in
// messages still give a document that parses back to the same text.
func TestWriteJUnitHostileText(t *testing.T) {
	f := assertFixture()
	f.Assertions[3].Message = "bad ]]> <tag> & \x00 \x1b[31m done"
	f.Assertions[5].Message = "warn ]]> \x07"
	var b bytes.Buffer
	if err := WriteJUnit(&b, f); err != nil {
		t.Fatal(err)
	}
	var doc parsedJUnit
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v\n%s", err, b.String())
	}
	fail := doc.Suites[1].Cases[0].Failure
	if fail == nil || !strings.HasPrefix(fail.Body, "bad ]]> <tag> & \uFFFD \uFFFD[31m done\n") {
		t.Errorf("failure body = %+v", fail)
	}
	if out := doc.Suites[1].Cases[2].SystemOut; !strings.Contains(out, "warn ]]> \uFFFD") {
		t.Errorf("system-out = %q", out)
	}
}
