package assert

// The run's assertion entries and its verdict: which asserts apply to which
// step, the no-success entry, and the exit code (condition.go evaluates one
// condition).

import (
	"fmt"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// NoSuccessName names the synthetic assertion entry that fails a measured
// step in which no request succeeded (no silent green: docs/conditions.md).
const NoSuccessName = "no_successful_requests"

// NoFailAssertWarning is added to File.Warnings when a scenario has no
// fail-severity assertion (dsl.Scenario.HasFailAssert, which also decides
// validate's warning), so nothing it measures can fail the run.
const NoFailAssertWarning = `the scenario has no assert with severity "fail": only a step with no successful request can fail this run`

// Evaluate evaluates every assert of s over every step it applies to (Steps,
// or every measured step; a nested assert on its own step; a step whose
// Status is not_run gives status not_run), fills f.Assertions in step order,
// then assert order, and sets f.Verdict and f.ExitCode (docs/cli.md, exit codes):
//   - 130 interrupted, 1 aborted: those verdicts are kept;
//   - a verdict of error (a precondition or internal failure) keeps its code;
//   - 1 when any fail-severity assertion failed or errored, or a measured
//     step had no successful request (its own fail entry, NoSuccessName);
//   - 0 otherwise. warn-severity assertions never change the exit code.
func Evaluate(s *dsl.Scenario, f *result.File) {
	planned := plannedDurations(s)
	f.Assertions = f.Assertions[:0]
	for _, st := range f.Steps {
		if st.Probe != nil {
			continue // judged by its search, never a breach of the run
		}
		for _, a := range s.Asserts {
			if appliesTo(a, st.Name) && !a.ReadsSearch() {
				f.Assertions = append(f.Assertions, evaluateOn(a, st, planned[st.Name]))
			}
		}
		if noSuccess(st) {
			f.Assertions = append(f.Assertions, noSuccessEntry(st))
		}
	}
	f.Assertions = append(f.Assertions, evaluateSearchAsserts(s, f)...)
	if !s.HasFailAssert() {
		f.AddWarning(NoFailAssertWarning)
	}
	setVerdict(f)
}

// evaluateOn evaluates one assert on one step into a results-file entry.
func evaluateOn(a *dsl.Assert, st result.Step, planned time.Duration) result.Assertion {
	ra := result.Assertion{
		Name:      a.Name,
		Step:      st.Name,
		Severity:  severity(a),
		Condition: a.ConditionSource,
		Observed:  map[string]any{},
		Abort:     a.Abort,
		Range:     rangeString(a),
	}
	if st.Status == result.StepNotRun {
		ra.Status = StatusSkip.Result()
		return ra
	}
	out := evalAssert(a, st, planned)
	ra.Status = out.status.Result()
	ra.Observed = out.observed
	ra.Message = out.message
	return ra
}

// appliesTo reports whether a is evaluated on the step named step.
func appliesTo(a *dsl.Assert, step string) bool {
	if a.Step != "" {
		return a.Step == step
	}
	if len(a.Steps) == 0 {
		return true
	}
	for _, s := range a.Steps {
		if s == step {
			return true
		}
	}
	return false
}

// noSuccess reports a step that measured and saw no successful request. An
// interrupted step is left out: the user stopped it, and exit 130 says so.
func noSuccess(st result.Step) bool {
	if st.Status == result.StepNotRun || st.Status == result.StepInterrupted {
		return false
	}
	return st.Requests.OK == 0
}

func noSuccessEntry(st result.Step) result.Assertion {
	r := st.Requests
	return result.Assertion{
		Name:      NoSuccessName,
		Step:      st.Name,
		Severity:  result.SeverityFail,
		Status:    StatusFail.Result(),
		Condition: "requests.ok > 0",
		Observed: map[string]any{
			"requests.ok": float64(r.OK), "requests.total": float64(r.Total),
			"requests.failed": float64(r.Failed), "requests.dropped": float64(r.Dropped),
		},
		Message: fmt.Sprintf("no request succeeded in step %s (%d sent, %d failed, %d dropped)",
			st.Name, r.Total, r.Failed, r.Dropped),
	}
}

// setVerdict derives the verdict and exit code from f.Assertions, keeping a
// verdict the runner already decided (aborted, interrupted, error).
func setVerdict(f *result.File) {
	switch f.Verdict {
	case result.VerdictInterrupted:
		f.ExitCode = int(exitcode.Interrupted)
		return
	case result.VerdictAborted:
		f.ExitCode = int(exitcode.Failed)
		return
	case result.VerdictError:
		if f.ExitCode == 0 {
			f.ExitCode = int(exitcode.Internal)
		}
		return
	}
	if Worst(f.Assertions, result.SeverityFail) >= StatusFail {
		f.Verdict, f.ExitCode = result.VerdictFail, int(exitcode.Failed)
		return
	}
	f.Verdict, f.ExitCode = result.VerdictPass, int(exitcode.OK)
}

// Worst merges the statuses of the assertions of the given severity ("" for all).
func Worst(as []result.Assertion, severity result.Severity) Status {
	st := StatusPending
	for _, a := range as {
		if severity == "" || a.Severity == severity {
			st = st.Merge(ParseStatus(a.Status))
		}
	}
	return st
}

func severity(a *dsl.Assert) result.Severity {
	if a.Severity == "" {
		return result.SeverityFail
	}
	return result.Severity(a.Severity)
}

// plannedDurations maps each scenario step to its planned measured window.
func plannedDurations(s *dsl.Scenario) map[string]time.Duration {
	m := make(map[string]time.Duration, len(s.Steps))
	for _, st := range s.Steps {
		m[st.Name] = st.Duration
	}
	return m
}

// rangeString is the assert's "file:line:col".
func rangeString(a *dsl.Assert) string {
	r := a.DeclRange
	if r.Filename == "" && r.Start.Line == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
