package result

import "testing"

// TestOutcomeOf: every status × severity pair, unknown ones included, has
// one outcome, and unknown values are never shown as a pass or a warning.
func TestOutcomeOf(t *testing.T) {
	for _, c := range []struct {
		sev    Severity
		status Status
		want   Outcome
		label  string
	}{
		{SeverityFail, StatusPass, OutcomePass, "pass"},
		{SeverityFail, StatusFail, OutcomeFail, "fail"},
		{SeverityFail, StatusError, OutcomeError, "error"},
		{SeverityFail, StatusSkip, OutcomeNotRun, "not run"},
		{SeverityWarn, StatusPass, OutcomePass, "pass"},
		{SeverityWarn, StatusFail, OutcomeWarn, "warn"},
		{SeverityWarn, StatusError, OutcomeWarnNoData, "warn without data"},
		{SeverityWarn, StatusSkip, OutcomeNotRun, "not run"},
		{"", StatusFail, OutcomeFail, "fail"},
		{SeverityFail, "pending", OutcomeUnknown, "unknown"},
		{SeverityFail, "", OutcomeUnknown, "unknown"},
		{"info", StatusPass, OutcomeUnknown, "unknown"},
		{"info", StatusFail, OutcomeUnknown, "unknown"},
	} {
		o := OutcomeOf(Assertion{Severity: c.sev, Status: c.status})
		if o != c.want || o.String() != c.label {
			t.Errorf("OutcomeOf(severity %q, status %q) = %v (%d), want %v", c.sev, c.status, o, o, c.label)
		}
		if o == OutcomeUnknown && (!o.Failing() || o.Warning() || o.Heading() == "") {
			t.Errorf("unknown outcome must be listed as a failure")
		}
	}
	if got := Outcome(200).String(); got != "unknown" {
		t.Errorf("an out-of-range Outcome prints %q, want unknown", got)
	}
}
