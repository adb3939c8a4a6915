package report

import (
	"fmt"
	"io"
)

// ErrWriter keeps the first write error so a report can write freely and
// return it once (vegeta's reporters return every write error likewise).
// The console reports here and harness diff's renderers write through it.
type ErrWriter struct {
	w   io.Writer
	err error
}

// NewErrWriter writes to w until the first error.
func NewErrWriter(w io.Writer) *ErrWriter { return &ErrWriter{w: w} }

// Write writes b unless an earlier write failed.
func (e *ErrWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

// Printf formats to the writer unless an earlier write failed.
func (e *ErrWriter) Printf(format string, args ...any) {
	_, _ = fmt.Fprintf(e, format, args...)
}

// Err is the first write error, nil when every write succeeded.
func (e *ErrWriter) Err() error { return e.err }
