package runner

import "time"

// Result is the flat record of one request, as vegeta's Result is: the
// recorder aggregates it as it streams in and keeps nothing per request, so
// memory stays flat however long the run. The sender reuses one Result (and
// its Extracts slice) per goroutine; Recorder.Add copies what it needs.
type Result struct {
	// Scheduled is when the request was due: the arrival time of the open
	// model's schedule; for a closed-model user, the moment it goes to send
	// (its paced timer fired, or its last response or think time ended), just
	// before Start.
	Scheduled time.Time
	// Start is when the request was actually handed to the HTTP client.
	Start time.Time
	// Latency is end-to-end from Scheduled to the end of the response body.
	// It includes any time the request waited for a free sender, so an
	// overloaded open model is not hidden (no coordinated omission).
	Latency time.Duration
	// SendLatency is from Start (the actual send) to the end of the body.
	SendLatency time.Duration
	// Status is the HTTP status, 0 when no response arrived.
	Status int
	// Class is the error class ("" when the request succeeded): one of the
	// Class* constants. An extraction miss alone leaves Class "" (see Extracts).
	Class string
	// Err is the error's message (for the first few distinct ones per class).
	Err      string
	BytesIn  int64
	BytesOut int64
	// Late marks a paced closed-model request that started after its slot
	// because the previous response took longer than the pace.
	Late bool
	// Extracts holds one value per target extract, in declaration order;
	// NaN marks a miss (field absent, not numeric, or body not JSON).
	Extracts []float64
	// Stream holds what a streamed response measured (a target with a
	// stream block); nil otherwise. Its slices are reused with the Result.
	Stream *StreamResult
	// SLOMet says an ok request met every objective of its target's slo
	// (any ok request, when the target has none).
	SLOMet bool
	// SLO says the request's target has an slo block.
	SLO bool
	// Dropped marks an open-model arrival that found max_in_flight requests
	// already in flight: it was never sent, only counted.
	Dropped bool
}

// OK reports whether the request counts as successful.
func (r *Result) OK() bool { return r.Class == "" && !r.Dropped }
