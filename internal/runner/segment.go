package runner

import (
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// schedule is an open-model pacer and the due time of its k-th arrival.
type schedule interface {
	Pacer
	Due(k uint64) (time.Duration, bool)
}

// stepSchedule is the open model's schedule for ps: its RampPacer, or for a
// segment of a split run (plan.Split) the whole step's RampPacer of which it
// sends arrivals ps.ArrivalIndex(0), ps.ArrivalIndex(1), …, so the segments'
// arrivals interleave into exactly the schedule one process would send.
func stepSchedule(ps plan.Step) schedule {
	if ps.Segment.Whole() {
		return NewRampPacer(ps)
	}
	whole := RampPacer{From: ps.Whole.FromRate, Rate: ps.Whole.Rate, Ramp: ps.Ramp, Total: ps.Ramp + ps.Duration}
	return segmentPacer{whole: whole, step: ps}
}

// segmentPacer is one segment's share of a whole step's schedule.
type segmentPacer struct {
	whole RampPacer
	step  plan.Step
}

// Due is the whole schedule's due time of this segment's arrival k.
func (p segmentPacer) Due(k uint64) (time.Duration, bool) {
	return p.whole.Due(p.step.ArrivalIndex(k))
}

// Pace implements Pacer.
func (p segmentPacer) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	due, ok := p.Due(hits)
	if !ok {
		return 0, true
	}
	return max(due-elapsed, 0), false
}

// encodeMergeable stores the send-latency and extract histograms of the
// measured window in st, encoded as Step.Histogram is, so that harness
// merge combines segments' values exactly.
func (w *window) encodeMergeable(st *result.Step) error {
	if st.Model == result.ModelOpen && w.send.TotalCount() > 0 {
		enc, err := w.send.Encode(hdr.V2CompressedEncodingCookieBase)
		if err != nil {
			return err
		}
		st.SendHistogram = string(enc)
	}
	for _, e := range w.extracts {
		x, ok := st.Extract[e.name]
		if !ok || e.count == 0 {
			continue
		}
		enc, err := e.h.Encode(hdr.V2CompressedEncodingCookieBase)
		if err != nil {
			return err
		}
		x.Histogram = string(enc)
		st.Extract[e.name] = x
	}
	return nil
}

// startOffset is when user j of add users added at once makes its first
// request: j·pace/add, shifted by phase (plan.Step.PhaseOffset) of one
// user's spacing in a segment of a split run, so that N segments adding
// add users each start them at the offsets one pool adding N·add would.
func startOffset(j, add int, pace time.Duration, phase float64) time.Duration {
	d := time.Duration(j) * pace / time.Duration(add)
	if phase == 0 {
		return d
	}
	return d + time.Duration(phase*float64(pace)/float64(add))
}
