// Package exitcode gives the exit codes (docs/cli.md) a type, and lets errors
// carry one up to cmd/harness, the only place that calls os.Exit.
package exitcode

import "errors"

// Code is a process exit status.
type Code uint8

const (
	OK           Code = 0   // every fail assertion held
	Failed       Code = 1   // an assertion failed or errored, or an abort assertion stopped the run
	Usage        Code = 2   // usage or scenario error: nothing was sent
	Precondition Code = 3   // a health check or sampler could not be met before load began
	Internal     Code = 4   // internal or output error
	Interrupted  Code = 130 // SIGINT/SIGTERM; partial results written
)

// Error wraps an error with the exit code it should produce.
type Error struct {
	Code Code
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Wrap attaches code to err; nil stays nil.
func Wrap(code Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Err: err}
}

// Of returns the code err carries, the innermost one winning; Internal for
// an error that carries none; OK for nil.
func Of(err error) Code {
	if err == nil {
		return OK
	}
	code := Internal
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ce, ok := e.(*Error); ok {
			code = ce.Code
		}
	}
	return code
}

// ErrShown marks an error whose explanation has already been written to the
// user (diagnostics, a failed verdict): cmd/harness exits with its code and
// prints nothing more.
var ErrShown = errors.New("already reported")

// Shown returns an error that exits with code and prints nothing.
func Shown(code Code) error { return &Error{Code: code, Err: ErrShown} }
