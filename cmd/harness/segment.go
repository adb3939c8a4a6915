package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
)

// startAtSlack is how far in the past --start-at may be: a part that starts
// a moment late still runs (and records how late); an older time is a
// mistake (a stale manifest, a wrong zone) and is refused.
const startAtSlack = 10 * time.Second

// splitFlags are run's --segment and --start-at (docs/cli.md, "Distributed runs").
type splitFlags struct {
	segment, startAt string
}

func (f *splitFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.segment, "segment", "", "run only part I of N of every step (I from 0 to N-1), for a run split across N machines; merge the parts with harness merge")
	cmd.Flags().StringVar(&f.startAt, "start-at", "", "wait until this RFC 3339 time before sending load, so that all parts begin together")
}

// parse checks the flags (exit 2 on a bad value) against now.
func (f *splitFlags) parse(now time.Time) (plan.Segment, time.Time, error) {
	var at time.Time
	seg, err := parseSegmentFlag(f.segment)
	if err != nil {
		return seg, at, err
	}
	if f.startAt != "" {
		t, err := time.Parse(time.RFC3339, f.startAt)
		if err != nil {
			return seg, at, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--start-at %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", f.startAt))
		}
		if past := now.Sub(t); past > startAtSlack {
			return seg, at, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--start-at %s is %s in the past (more than %s): give a time ahead of every part's start", f.startAt, past.Round(time.Second), startAtSlack))
		}
		at = t
	}
	return seg, at, nil
}

// parseSegmentFlag reads a --segment value (exit 2 when bad); "" is the
// whole run.
func parseSegmentFlag(text string) (plan.Segment, error) {
	if text == "" {
		return plan.Segment{}, nil
	}
	seg, err := plan.ParseSegment(text)
	if err != nil {
		return plan.Segment{}, exitcode.Wrap(exitcode.Usage, err)
	}
	return seg, nil
}
