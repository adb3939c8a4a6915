package session

import (
	"errors"
	"fmt"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// lateWarning is how late after --start-at a part may begin before its
// results file carries a warning: segments begun within it line up to well
// under one per-second bucket.
const lateWarning = time.Second

// waitStart waits for Options.StartAt, if any, and returns how late the
// load begins after it (0 when on time). A signal ends the wait: nothing
// was sent (exit 130).
func (s *session) waitStart() (time.Duration, error) {
	if s.o.StartAt.IsZero() {
		return 0, nil
	}
	d := time.Until(s.o.StartAt)
	if d <= 0 {
		if -d >= lateWarning {
			s.logf("warning: beginning %s after --start-at %s", (-d).Round(time.Millisecond), s.o.StartAt.UTC().Format(time.RFC3339))
		}
		return -d, nil
	}
	fmt.Fprintf(s.console, "harness: waiting %s for --start-at %s\n", d.Round(time.Second), s.o.StartAt.UTC().Format(time.RFC3339))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return max(time.Since(s.o.StartAt), 0), nil
	case <-s.ctx.Done():
		return 0, exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted while waiting for --start-at; nothing was sent"))
	}
}

// markSegment records in f the segment the run sent, if it was given (0/1
// too: a one-part split is still a part for harness merge).
func (s *session) markSegment(f *result.File) {
	if s.o.Segment.Count == 0 {
		return
	}
	f.Segment = &result.Segment{Index: s.o.Segment.Index, Count: s.o.Segment.Count}
}
