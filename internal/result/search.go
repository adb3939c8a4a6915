package result

// A capacity search's answer and its probes (docs/results.md, "searches").

// Search statuses: the first three are the answers of a finished search.
const (
	SearchFound      = "found"       // capacity passes and first_failing fails, within the precision
	SearchAboveMax   = "above_max"   // max passed: the capacity is at least max
	SearchBelowStart = "below_start" // start failed: the capacity is below start
	SearchIncomplete = "incomplete"  // an abort or interrupt stopped it; the bracket so far
)

// StableWindowName names the entry of Search.Breached that says the
// first failing probe failed for an unstable window, not an assertion.
const StableWindowName = "stable_window"

// Probe outcomes (Probe.Outcome): pass, fail, unstable (judged as
// failing) and stopped, a probe an abort or interrupt cut short.
const (
	ProbePass     = "pass"
	ProbeFail     = "fail"
	ProbeUnstable = "unstable"
	ProbeStopped  = "stopped"
)

// Search is one `search` block's answer.
type Search struct {
	Name  string  `json:"name"`
	Model Model   `json:"model"`
	Unit  string  `json:"unit"` // "users" or "req/s"
	Start float64 `json:"start"`
	Max   float64 `json:"max"`
	// Status is found, above_max, below_start or incomplete.
	Status string `json:"status"`
	// Capacity is the highest passing level below FirstFailing, 0 if none.
	Capacity float64 `json:"capacity"`
	// FirstFailing is the lowest failing level; nil when none failed.
	FirstFailing *float64 `json:"first_failing"`
	// Probes counts the probe steps run (repeats of unstable probes
	// included); UnstableProbes those still unstable after their repeat.
	Probes         int `json:"probes"`
	UnstableProbes int `json:"unstable_probes"`
	// Breached are the probe assertions that failed or errored at
	// FirstFailing (the last probe there).
	Breached []Assertion `json:"breached"`
	// ThroughputAtCapacity is the req/s measured by the probe at Capacity.
	ThroughputAtCapacity *float64 `json:"throughput_at_capacity"`
	// NonMonotonic is set when a level passed above one that failed.
	NonMonotonic bool `json:"non_monotonic,omitempty"`
	// DurationS is the search's wall time, first ramp to last probe's end.
	DurationS float64 `json:"duration_s"`
	// Steps names the probe steps in the order they ran.
	Steps []string `json:"steps"`
}

// Probe is what a capacity search made of one probe step.
type Probe struct {
	Search string  `json:"search"`
	Number int     `json:"number"`
	Level  float64 `json:"level"`
	// Outcome is pass, fail, unstable (judged as failing) or stopped (an
	// abort or interrupt cut the probe short; not judged).
	Outcome string `json:"outcome"`
	// Unstable says why the window was unstable ("" when stable); a probe
	// that was is repeated once at twice the duration.
	Unstable string `json:"unstable,omitempty"`
	// Repeat marks the repeat of an unstable probe.
	Repeat bool `json:"repeat,omitempty"`
	// Assertions are the search's assertions evaluated on the probe.
	Assertions []Assertion `json:"assertions"`
}

// Level is the search's level formatted with its unit: "104 users",
// "116.5 req/s".
func (s *Search) Level(v float64) string {
	return FormatLevel(v) + " " + s.Unit
}

// FormatLevel prints a level without needless decimals (levels are whole
// users or rates to two decimals).
func FormatLevel(v float64) string {
	return FormatRounded(v, 2)
}
