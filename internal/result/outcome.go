package result

// Outcome is how an assertion is presented: its status read together with
// its severity. The console matrix, JUnit and the HTML report all classify
// an assertion through OutcomeOf, so the three never disagree about what
// one entry of a results file means.
type Outcome uint8

// Outcomes, from the one that says least against the run to the one that
// says most. A warn-severity assertion never changes the exit code, so its
// breach and its error are warnings, not failures.
const (
	OutcomeNotRun     Outcome = iota // the step did not run
	OutcomePass                      // the condition held
	OutcomeWarn                      // a warn-severity condition was a known false
	OutcomeWarnNoData                // a warn-severity condition could not be decided
	OutcomeFail                      // a fail-severity condition was a known false
	OutcomeError                     // a fail-severity condition could not be decided
	OutcomeUnknown                   // a status or severity this harness does not know
)

// OutcomeOf classifies a. A status or severity outside the results-file
// vocabulary (a damaged file, a newer writer) is OutcomeUnknown, which every
// report shows as an error: nothing unknown is shown as a pass. A missing
// severity reads as fail, the default of an assert block.
func OutcomeOf(a Assertion) Outcome {
	warn := false
	switch a.Severity {
	case SeverityFail, "":
	case SeverityWarn:
		warn = true
	default:
		return OutcomeUnknown
	}
	switch a.Status {
	case StatusSkip:
		return OutcomeNotRun
	case StatusPass:
		return OutcomePass
	case StatusFail:
		if warn {
			return OutcomeWarn
		}
		return OutcomeFail
	case StatusError:
		if warn {
			return OutcomeWarnNoData
		}
		return OutcomeError
	}
	return OutcomeUnknown
}

// outcomeText holds each outcome's presentation; indexed by Outcome.
var outcomeText = [...]struct{ label, mark, heading string }{
	OutcomeNotRun:     {"not run", "–", ""},
	OutcomePass:       {"pass", "✓", ""},
	OutcomeWarn:       {"warn", "⚠", "Warnings"},
	OutcomeWarnNoData: {"warn without data", "⚠?", "Warnings"},
	OutcomeFail:       {"fail", "✗", "Failures and errors"},
	OutcomeError:      {"error", "!", "Failures and errors"},
	OutcomeUnknown:    {"unknown", "?", "Failures and errors"},
}

// String is the outcome's label, as every report prints it: "pass", "fail",
// "error", "warn", "warn without data", "not run" or "unknown".
func (o Outcome) String() string { return outcomeText[o.index()].label }

// Mark is the one- or two-character symbol the console matrix shows.
func (o Outcome) Mark() string { return outcomeText[o.index()].mark }

// Heading is the console section that lists the outcome with its details
// ("Failures and errors", "Warnings"), "" for one that is not listed.
func (o Outcome) Heading() string { return outcomeText[o.index()].heading }

// Class is a token for the outcome fit for a CSS class or an XML attribute:
// "pass", "fail", "error", "warn", "warn-nodata", "not-run", "unknown".
func (o Outcome) Class() string {
	switch o.index() {
	case OutcomeWarnNoData:
		return "warn-nodata"
	case OutcomeNotRun:
		return "not-run"
	}
	return o.String()
}

// Failing reports an outcome shown as a failure: a fail, an error, or an
// unknown value. Warnings never are.
func (o Outcome) Failing() bool {
	switch o.index() {
	case OutcomeFail, OutcomeError, OutcomeUnknown:
		return true
	}
	return false
}

// Warning reports a warn-severity breach or error.
func (o Outcome) Warning() bool { return o == OutcomeWarn || o == OutcomeWarnNoData }

func (o Outcome) index() Outcome {
	if int(o) >= len(outcomeText) {
		return OutcomeUnknown
	}
	return o
}
