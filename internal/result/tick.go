package result

import "time"

// Tick is one second of a run as the live console sees it: sent by the
// runner once a second, read by the console and nothing else (the results
// file keeps the per-second series instead).
type Tick struct {
	Time      time.Time
	Elapsed   time.Duration // since the run began
	Step      string
	StepIndex int
	StepCount int
	Phase     Phase // PhaseRamp or PhaseMeasured
	// StepElapsed is the time into the step (ramp included) of StepTotal.
	StepElapsed, StepTotal time.Duration
	Users                  int     // closed model: users running
	Rate                   float64 // open model: arrivals/s scheduled now
	// RPS, P50, P95 (ms) and Errors are over the requests that completed in
	// the last second, whatever second they started in.
	RPS      float64
	P50, P95 *float64
	Errors   int64
	Dropped  int64 // open-model arrivals dropped in the last second
	// Streaming is true for a run with a stream target; then TTFTP50 (ms;
	// nil when no stream succeeded) and TokensPerS are over the streams
	// that completed in the last second.
	Streaming  bool
	TTFTP50    *float64
	TokensPerS float64
	// Samples is the samplers' newest values at this tick (the keys of
	// sampler.Group.Latest); nil without samplers.
	Samples map[string]float64
	// Samplers says what each sampler samples and whether its data is
	// current, in scenario order; nil without samplers.
	Samplers []SamplerStatus
	// Note is a word about the step under way, shown at the end of the line:
	// a capacity search's probe and its bracket so far.
	Note string
}

// SamplerStatus is one sampler at an instant: what it samples, and how long
// it has gone without a reading when its readings stopped arriving.
type SamplerStatus struct {
	Name    string
	Kind    string // "nvml" | "dcgm" | "triton" | "prometheus"
	Started bool
	// Series are a prometheus sampler's declared series, in file order.
	Series []SeriesName
	// NoData is zero while readings arrive on time. Once the newest sample
	// failed, or no reading came for an interval plus the timeout, it is the
	// time since the newest reading (since the start, before the first):
	// the values shown for this sampler are that old.
	NoData time.Duration
	// LastError is the newest failed sample's error while NoData is set.
	LastError string
}

// SeriesName is a declared prometheus series: its name, and whether it is a
// counter (shown as a rate) or a gauge.
type SeriesName struct {
	Name    string
	Counter bool
}

// Stale reports whether the sampler started and its data is not current.
func (s SamplerStatus) Stale() bool { return s.Started && s.NoData > 0 }
