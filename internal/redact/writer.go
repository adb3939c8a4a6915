package redact

import (
	"bytes"
	"io"
	"sync"
)

// maxPending bounds what a Writer holds back waiting for the end of a line.
const maxPending = 64 << 10

// Writer redacts what passes through it, a line at a time: it holds back
// text after the last newline (or carriage return) so a secret split
// across two writes is still seen whole. Flush writes what is held back.
// It is safe for concurrent use.
type Writer struct {
	r       *Redactor
	w       io.Writer
	mu      sync.Mutex
	pending []byte
}

// Writer wraps w.
func (r *Redactor) Writer(w io.Writer) *Writer { return &Writer{r: r, w: w} }

// Write takes p whole; the underlying writer's error is returned with n = 0.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending = append(w.pending, p...)
	end := bytes.LastIndexAny(w.pending, "\n\r") + 1
	if end == 0 && len(w.pending) < maxPending {
		return len(p), nil
	}
	if end == 0 {
		end = len(w.pending)
	}
	if err := w.emit(end); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.emit(len(w.pending))
}

// emit writes pending[:end] redacted and keeps the rest.
func (w *Writer) emit(end int) error {
	if end == 0 {
		return nil
	}
	out := w.r.String(string(w.pending[:end]))
	w.pending = append(w.pending[:0], w.pending[end:]...)
	_, err := io.WriteString(w.w, out)
	return err
}
