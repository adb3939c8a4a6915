// Package result defines the results file ("harness.result/v1", docs/results.md)
// and the per-step window values that assertions, reports and diffs read.
//
// Every producer (runner, samplers, assert) fills these plain structs and every
// consumer (assert, report, diff) reads them, so this package is the contract
// between them. A nil pointer means "unknown" (no samples behind the value);
// it is written as JSON null and makes any assertion reading it an error.
package result

import "time"

// Schema is the value of File.Schema.
const Schema = "harness.result/v1"

// Verdict is the outcome of a whole run.
type Verdict string

// Verdict values.
const (
	VerdictPass        Verdict = "pass"
	VerdictFail        Verdict = "fail"
	VerdictAborted     Verdict = "aborted"
	VerdictInterrupted Verdict = "interrupted"
	VerdictError       Verdict = "error" // precondition or internal failure before/while running
)

// File is the whole results file.
type File struct {
	Schema      string       `json:"schema"`
	Scenario    ScenarioInfo `json:"scenario"`
	Environment Environment  `json:"environment"`
	StartedAt   time.Time    `json:"started_at"`
	EndedAt     time.Time    `json:"ended_at"`
	Verdict     Verdict      `json:"verdict"`
	ExitCode    int          `json:"exit_code"`
	// Reason explains an abort, interrupt or precondition failure.
	Reason     string        `json:"reason,omitempty"`
	Warnings   []string      `json:"warnings,omitempty"`
	Steps      []Step        `json:"steps"`
	Samplers   []SamplerInfo `json:"samplers,omitempty"`
	Assertions []Assertion   `json:"assertions"`
	// Searches are the capacity searches' answers, in file order.
	Searches []Search `json:"searches,omitempty"`

	// Segment marks a partial results file: the part of a split run it
	// holds (harness run --segment). Nil for a whole or merged run.
	Segment *Segment `json:"segment,omitempty"`
	// StartAt is the --start-at time the run waited for; StartLateS is how
	// many seconds after it the load began (0 when on time).
	StartAt    *time.Time `json:"start_at,omitempty"`
	StartLateS float64    `json:"start_late_s,omitempty"`
	// Merge describes a results file merged from segments (harness merge).
	Merge *Merge `json:"merge,omitempty"`
}

// Segment is one of Count parts of a split run; Index counts from 0.
type Segment struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Merge says which parts a merged results file was made of.
type Merge struct {
	Count int    `json:"count"` // segments the run was split into
	Parts []Part `json:"parts"`
	// Missing lists the segments absent from a merge allowed with --partial:
	// the merged numbers then cover only part of the load.
	Missing []int `json:"missing,omitempty"`
	// Notes say what the merge chose, e.g. which part's samplers it kept.
	Notes []string `json:"notes,omitempty"`
}

// Part is one segment's results file as merged.
type Part struct {
	Index      int       `json:"index"`
	File       string    `json:"file"`
	Host       string    `json:"host"`
	StartedAt  time.Time `json:"started_at"`
	StartLateS float64   `json:"start_late_s,omitempty"`
	Verdict    Verdict   `json:"verdict"`
	ExitCode   int       `json:"exit_code"`
}

// ScenarioInfo identifies the scenario that produced a results file.
type ScenarioInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	File        string `json:"file"`
	SHA256      string `json:"sha256"`
	// Variables are the values the run's variables had, as text; a
	// sensitive one reads VariableSensitive, one not wholly known
	// VariableUnknown.
	Variables map[string]string `json:"variables"`
}

// ScenarioInfo.Variables values that stand for a value not recorded: the
// writer (internal/runner) and the reader (harness merge, which asks for
// them again) must agree on them.
const (
	VariableSensitive = "(sensitive)"
	VariableUnknown   = "(unknown)"
)

// Environment describes where the run happened.
type Environment struct {
	HarnessVersion string `json:"harness_version"`
	GoVersion      string `json:"go_version,omitempty"`
	Host           string `json:"host"`
	OS             string `json:"os,omitempty"`
	// CPUs are the CPUs the process could use; GoMaxProcs the Go
	// processors it ran with (more than the CPUs for a stream target:
	// runner.MinStreamProcs).
	CPUs       int       `json:"cpus,omitempty"`
	GoMaxProcs int       `json:"gomaxprocs,omitempty"`
	GPUs       []GPUInfo `json:"gpus"`
}

// GPUInfo identifies one GPU seen by a sampler.
type GPUInfo struct {
	Index     int     `json:"index"`
	Name      string  `json:"name"`
	UUID      string  `json:"uuid"`
	Driver    string  `json:"driver,omitempty"`
	MemoryMiB float64 `json:"memory_mib,omitempty"`
	Sampler   string  `json:"sampler,omitempty"` // which sampler saw it
}

// SamplerInfo says how a sampler fared over the whole run.
type SamplerInfo struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Optional bool   `json:"optional,omitempty"`
	Started  bool   `json:"started"`
	Error    string `json:"error,omitempty"` // why it could not start
	Samples  int64  `json:"samples"`
	Gaps     int64  `json:"gaps"`
	// FirstErrors keeps the first few distinct sample errors.
	FirstErrors []string `json:"first_errors,omitempty"`
}

// StepStatus says whether and how a step ran.
type StepStatus string

// Step status values.
const (
	StepCompleted   StepStatus = "completed"
	StepAborted     StepStatus = "aborted"     // stopped early by an abort assertion
	StepInterrupted StepStatus = "interrupted" // stopped early by a signal
	StepNotRun      StepStatus = "not_run"
)

// Model is a step's load model.
type Model string

// Load models.
const (
	ModelClosed Model = "closed" // `users`: concurrent users, each waiting for its response
	ModelOpen   Model = "open"   // `rate`: arrivals per second, independent of responses
)

// Phase is the part of a step a time-series point belongs to.
type Phase string

// Phases of a step.
const (
	PhaseRamp     Phase = "ramp"     // load is changing; not measured
	PhaseMeasured Phase = "measured" // the measured window
)

// Step is one executed (or skipped) step with its measured window.
type Step struct {
	Name   string     `json:"name"`
	Model  Model      `json:"model"`
	Target string     `json:"target"`
	Users  int        `json:"users,omitempty"`
	Rate   float64    `json:"rate,omitempty"`
	Status StepStatus `json:"status"`
	// Probe is set on a capacity search's probe: which search, the level and
	// what the search's assertions made of it.
	Probe *Probe `json:"probe,omitempty"`

	// The step's load shape (docs/results.md): an open step's arrival
	// process, its burstiness (gamma only) and seed; a paced closed step's
	// pace_jitter and seed when it is jittered. Seed is a pointer so that a
	// seed of 0 is recorded.
	Arrival    string  `json:"arrival,omitempty"`
	Burstiness float64 `json:"burstiness,omitempty"`
	PaceJitter float64 `json:"pace_jitter,omitempty"`
	Seed       *uint64 `json:"seed,omitempty"`

	Ramp     *Window `json:"ramp,omitempty"` // nil when the step has no ramp
	Measured Window  `json:"measured"`

	Requests    Requests              `json:"requests"`
	Latency     Latency               `json:"latency"`                // end-to-end, from the scheduled start (open) or the send (closed)
	SendLatency *Latency              `json:"send_latency,omitempty"` // open model: from the actual send
	StatusCodes map[string]int64      `json:"status_codes"`
	Errors      map[string]ErrorClass `json:"errors,omitempty"` // by class: timeout, refused, reset, tls, dns, status, stream, extract, other
	Extract     map[string]Extract    `json:"extract,omitempty"`
	// Stream is set for a streaming target (one with a stream block).
	Stream *Stream `json:"stream,omitempty"`
	// RampRequests summarises the requests sent during the ramp (not measured).
	RampRequests *Requests `json:"ramp_requests,omitempty"`

	// Sampler aggregates over the measured window, by sampler name.
	Samplers map[string]SamplerWindow `json:"samplers,omitempty"`
	// The top-level condition namespaces (docs/conditions.md), merged across samplers.
	GPU    *GPUStats `json:"gpu,omitempty"`
	GPUs   []GPU     `json:"gpus,omitempty"`
	Triton *Triton   `json:"triton,omitempty"`
	VLLM   *VLLM     `json:"vllm,omitempty"`
	// Efficiency is what the step's requests cost in energy; nil without a
	// GPU sampler.
	Efficiency *Efficiency `json:"efficiency,omitempty"`

	// Histogram is the measured window's latency HDR histogram (µs), encoded by
	// hdrhistogram-go's Encode (V2 compressed, base64), so runs merge exactly.
	Histogram string `json:"histogram"`
	// SendHistogram is SendLatency's histogram (open model), encoded the same way.
	SendHistogram string `json:"send_histogram,omitempty"`
	// Series is the per-second time series over the ramp and measured windows.
	Series []Second `json:"series"`
}

// Window is a time interval; the measured window of a step starts after its ramp.
type Window struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	DurationS float64   `json:"duration_s"`
}

// Requests counts what happened to the requests that started in a window.
type Requests struct {
	Total    int64 `json:"total"` // sent (ok + failed); dropped are not sent
	OK       int64 `json:"ok"`
	Failed   int64 `json:"failed"`  // any non-ok outcome, timeouts included
	Dropped  int64 `json:"dropped"` // open model: arrivals over max_in_flight
	Timeouts int64 `json:"timeouts"`
	Late     int64 `json:"late,omitempty"` // closed paced: starts later than their slot
	// RPS is completed requests (ok + failed) per second of the window.
	RPS         float64  `json:"rps"`
	SuccessRate *float64 `json:"success_rate"` // ok / total; nil when total = 0
	ErrorRate   *float64 `json:"error_rate"`
	// Goodput is the requests per second of the window that met every
	// objective of their target's slo block; SLOAttainment is their share of
	// the total. Without an slo they are RPS and SuccessRate. Goodput is
	// absent from a file written before it existed; SLOAttainment is null
	// there, and when the total is 0.
	Goodput       *float64 `json:"goodput,omitempty"`
	SLOAttainment *float64 `json:"slo_attainment"`
	BytesIn       int64    `json:"bytes_in,omitempty"`
	BytesOut      int64    `json:"bytes_out,omitempty"`
}

// Latency percentiles in milliseconds. Nil when no request succeeded.
type Latency struct {
	Min    *float64 `json:"min"`
	Mean   *float64 `json:"mean"`
	Stddev *float64 `json:"stddev"`
	P50    *float64 `json:"p50"`
	P90    *float64 `json:"p90"`
	P95    *float64 `json:"p95"`
	P99    *float64 `json:"p99"`
	P999   *float64 `json:"p999"`
	Max    *float64 `json:"max"`
}

// ErrorClass counts one class of failure and keeps the first distinct messages.
type ErrorClass struct {
	Count    int64    `json:"count"`
	Messages []string `json:"messages,omitempty"`
}

// Extract summarises a numeric field extracted from responses.
type Extract struct {
	Count  int64    `json:"count"`
	Misses int64    `json:"misses"`
	Min    *float64 `json:"min"`
	Mean   *float64 `json:"mean"`
	P50    *float64 `json:"p50"`
	P90    *float64 `json:"p90"`
	P95    *float64 `json:"p95"`
	P99    *float64 `json:"p99"`
	Max    *float64 `json:"max"`
	Last   *float64 `json:"last"`
	// Histogram holds the values ×1000 (so 0.001 is the finest step),
	// encoded as Step.Histogram is, so that extracts merge exactly too.
	Histogram string `json:"histogram,omitempty"`
}

// Stat aggregates a gauge over a window.
type Stat struct {
	Min  *float64 `json:"min"`
	Mean *float64 `json:"mean"`
	Max  *float64 `json:"max"`
	Last *float64 `json:"last"`
	P95  *float64 `json:"p95"`
}

// GPUStats are the `gpu` fields a condition reads (docs/conditions.md).
type GPUStats struct {
	Utilization       Stat `json:"utilization"`        // %
	MemoryUtilization Stat `json:"memory_utilization"` // %
	MemoryUsedMiB     Stat `json:"memory_used_mib"`
	MemoryTotalMiB    Stat `json:"memory_total_mib"`
	Temperature       Stat `json:"temperature"` // °C
	PowerW            Stat `json:"power_w"`
	// Extra fields some samplers provide; not condition names.
	SMClockMHz Stat `json:"sm_clock_mhz"`
	// EnergyJ is the energy used over the window in joules (summed over the
	// GPUs for `gpu`); nil when unknown. EnergySource says how it was
	// measured: "counter" (energy counter deltas) or "power_integral" (power
	// samples integrated over time; for `gpu`, when any GPU's was).
	EnergyJ      *float64 `json:"energy_j"`
	EnergySource string   `json:"energy_source,omitempty"`
}

// GPUStats.EnergySource values.
const (
	EnergyCounter       = "counter"        // energy counter deltas
	EnergyPowerIntegral = "power_integral" // power samples integrated over time
)

// GPU is one entry of `gpus`.
type GPU struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	UUID  string `json:"uuid"`
	GPUStats
	// ClockEventReasons is the OR of the NVML clock-event bitmasks seen in the window.
	ClockEventReasons uint64 `json:"clock_event_reasons,omitempty"`
}

// Triton is the `triton` namespace: per-window values derived from counters
// as Prometheus increase() does. Nil fields are unknown (fewer than two scrapes).
type Triton struct {
	Requests  *float64 `json:"requests"`
	Failures  *float64 `json:"failures"`
	RPS       *float64 `json:"rps"`
	QueueMs   *float64 `json:"queue_ms"`
	InferMs   *float64 `json:"infer_ms"`
	InputMs   *float64 `json:"input_ms"`
	OutputMs  *float64 `json:"output_ms"`
	RequestMs *float64 `json:"request_ms"`
	BatchSize *float64 `json:"batch_size"`
	Pending   Stat     `json:"pending"` // gauge: max, mean
}

// SeriesStats aggregates a declared prometheus series. Gauges fill min, mean,
// max, last and p95; counters fill delta, rate and last.
type SeriesStats struct {
	Kind  string   `json:"kind"`
	Min   *float64 `json:"min"`
	Mean  *float64 `json:"mean"`
	Max   *float64 `json:"max"`
	Last  *float64 `json:"last"`
	P95   *float64 `json:"p95"`
	Delta *float64 `json:"delta"`
	Rate  *float64 `json:"rate"`
}

// SamplerWindow is one sampler's aggregates over a window.
type SamplerWindow struct {
	Kind    string `json:"kind"`
	Samples int    `json:"samples"`
	Gaps    int    `json:"gaps"`
	// Error is set when the sampler has no data for this window, and says why.
	Error  string                 `json:"error,omitempty"`
	GPU    *GPUStats              `json:"gpu,omitempty"`
	GPUs   []GPU                  `json:"gpus,omitempty"`
	Triton *Triton                `json:"triton,omitempty"`
	VLLM   *VLLM                  `json:"vllm,omitempty"`
	Series map[string]SeriesStats `json:"series,omitempty"`
}

// Second is one point of a step's per-second time series.
type Second struct {
	T        time.Time `json:"t"`
	Phase    Phase     `json:"phase"`
	Users    float64   `json:"users,omitempty"`
	Rate     float64   `json:"rate,omitempty"`
	Requests int64     `json:"requests"` // started in this second
	OK       int64     `json:"ok"`
	Failed   int64     `json:"failed"`
	Dropped  int64     `json:"dropped,omitempty"`
	P50      *float64  `json:"p50"`
	P95      *float64  `json:"p95"`
	// Sampler values at this second (latest sample), by "sampler.field", e.g.
	// "gpu.utilization", "gpu.temperature", "triton.queue_ms".
	Samples map[string]float64 `json:"samples,omitempty"`
}

// Status is the outcome of one assertion on one step, as the results file
// spells it.
type Status string

// Assertion status values.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "fail"    // the condition was a known false
	StatusError Status = "error"   // the condition could not be decided (unknown value)
	StatusSkip  Status = "not_run" // the step did not run
)

// Severity says what a breached assertion does to the run.
type Severity string

// Severity values.
const (
	SeverityFail Severity = "fail" // a breach or error fails the run (exit 1)
	SeverityWarn Severity = "warn" // a breach or error is reported; the exit code is unchanged
)

// Assertion is the outcome of one assert on one step.
type Assertion struct {
	Name      string   `json:"name"`
	Step      string   `json:"step"`
	Severity  Severity `json:"severity"`
	Status    Status   `json:"status"`
	Condition string   `json:"condition"`
	// Observed maps each name the condition referenced to the value it had
	// (a number, string, bool, or null when unknown).
	Observed map[string]any `json:"observed"`
	Message  string         `json:"message,omitempty"`
	Abort    bool           `json:"abort,omitempty"`
	// Range is the assert's source location, "file:line:col".
	Range string `json:"range,omitempty"`
}

// Aggregates is what the samplers give a step for one window: each sampler's
// own values plus the merged top-level namespaces (docs/conditions.md: gpu and gpus
// join nvml and dcgm samplers by UUID, or fall back to triton's GPU gauges;
// triton is the triton sampler, or all of them summed).
type Aggregates struct {
	Samplers map[string]SamplerWindow
	GPU      *GPUStats
	GPUs     []GPU
	Triton   *Triton
	VLLM     *VLLM
}
