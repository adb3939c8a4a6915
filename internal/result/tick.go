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
	Phase     string // "ramp" | "measured"
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
	// Samples is the samplers' newest values at this tick (the keys of
	// sampler.Group.Latest); nil without samplers.
	Samples map[string]float64
}
