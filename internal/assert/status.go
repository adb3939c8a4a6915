// Package assert evaluates a scenario's assert blocks over recorded step
// windows, decides the run's verdict and exit code (docs/cli.md), and watches
// abort assertions live while a step runs.
//
// Missing data is never allowed to pass: every name a condition references is
// resolved on its own before the boolean result is trusted, because HCL
// short-circuits `||` and `&&` and would otherwise hide an unknown value or a
// typo on the side it skips.
package assert

import "github.com/harness-gpu/harness/internal/result"

//go:generate stringer -type=Status -trimprefix=Status

// Status is the outcome of one assertion on one step. The values are ordered
// so that Merge keeps the worst: Error ranks above Fail because an assertion
// that could not be decided says less about the system than one that was
// breached, and both must fail the run.
type Status uint8

const (
	StatusPending Status = iota // not evaluated yet
	StatusSkip                  // the step did not run
	StatusPass                  // the condition held
	StatusFail                  // the condition was a known false
	StatusError                 // the condition could not be decided
)

// Merge returns the worse of s and o, so a step, a run and a verdict are each
// the Merge of their children.
func (s Status) Merge(o Status) Status {
	if o > s {
		return o
	}
	return s
}

// Result returns the results-file spelling of s (docs/results.md).
func (s Status) Result() result.Status {
	switch s {
	case StatusSkip:
		return result.StatusSkip
	case StatusPass:
		return result.StatusPass
	case StatusFail:
		return result.StatusFail
	case StatusError:
		return result.StatusError
	}
	return "pending"
}

// ParseStatus is the inverse of Status.Result; unknown spellings are Pending.
func ParseStatus(s result.Status) Status {
	switch s {
	case result.StatusSkip:
		return StatusSkip
	case result.StatusPass:
		return StatusPass
	case result.StatusFail:
		return StatusFail
	case result.StatusError:
		return StatusError
	}
	return StatusPending
}
