package runner

import (
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// encodeMergeable stores the send-latency, extract and stream histograms of
// the measured window in st, encoded as Step.Histogram is, so that harness
// merge combines segments' values exactly.
func (w *window) encodeMergeable(st *result.Step) error {
	if st.Model == result.ModelOpen && w.send.TotalCount() > 0 {
		enc, err := result.EncodeHistogram(w.send)
		if err != nil {
			return err
		}
		st.SendHistogram = enc
	}
	for _, e := range w.extracts {
		x, ok := st.Extract[e.name]
		if !ok || e.count == 0 {
			continue
		}
		enc, err := result.EncodeHistogram(e.h)
		if err != nil {
			return err
		}
		x.Histogram = enc
		st.Extract[e.name] = x
	}
	if a, s := w.stream, st.Stream; a != nil && s != nil {
		out := s.Dists()
		for i, agg := range a.dists() {
			if agg.count == 0 {
				continue
			}
			enc, err := result.EncodeHistogram(agg.h)
			if err != nil {
				return err
			}
			out[i].Histogram = enc
		}
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
