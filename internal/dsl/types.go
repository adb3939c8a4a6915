// Package dsl turns a scenario file (HCL) into a typed Scenario.
//
// Everything after decoding is a plain Go value; hcl.Expression survives only
// where evaluation must wait for data (an assertion's condition and message).
// The rest of harness reads Scenario and never touches HCL itself.
package dsl

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Scenario is a decoded, validated scenario file.
type Scenario struct {
	Name        string
	Description string

	// File is the scenario's path as given; SHA256 is the hex digest of its bytes.
	File   string
	SHA256 string
	// Files holds every parsed file by name, for rendering diagnostics with source lines.
	Files map[string]*hcl.File

	Variables []*Variable
	Targets   []*Target
	Health    []*Health
	Samplers  []*Sampler
	Steps     []*Step          // in run order, dynamic "step" expanded in place
	Asserts   []*Assert        // top-level and step-nested asserts alike (nested ones have Step set)
	Searches  []*Search        // capacity searches in file order; each runs after Steps[:After]
	EvalCtx   *hcl.EvalContext // var, local and functions: the base for evaluating conditions
}

// Variable is a declared input variable with its final value.
type Variable struct {
	Name        string
	Description string
	Type        cty.Type
	Value       cty.Value
	Sensitive   bool
	// Source says where the value came from: "default", "var-file", "env", "cli".
	Source    string
	DeclRange hcl.Range
}

// Target is an HTTP endpoint the load is sent to.
type Target struct {
	Name    string
	Method  string // default "GET", or "POST" when a body is set
	URL     string
	Headers map[string]string // evaluated; may hold secrets, never written to results
	Body    []byte            // from body (text) or body_base64 (decoded bytes); nil for none
	Timeout time.Duration     // default 30s
	TLS     *TLS              // nil when no tls block
	// ExpectStatus lists the statuses that count as success; empty means any 2xx.
	ExpectStatus []int
	// ExpectGRPC lists the gRPC status codes ("OK", "NOT_FOUND") that count
	// as success for a gRPC target; empty means OK.
	ExpectGRPC []string
	Extracts   []*Extract
	// Stream is set when the response is a stream to time chunk by chunk.
	Stream *Stream
	// SLO holds per-request objectives; nil when the target has none.
	SLO *SLO
	// KServe is the kserve block: a KServe v2 inference request, over gRPC
	// for a grpc(s):// URL; nil for a plain HTTP target.
	KServe    *KServe
	DeclRange hcl.Range
}

// TLS holds client TLS settings for a target or health check. Paths are
// resolved relative to the scenario file and made absolute.
type TLS struct {
	CAFile             string
	CertFile           string
	KeyFile            string
	ServerName         string
	InsecureSkipVerify bool
	DeclRange          hcl.Range
	// Where each path is written, for CheckFiles' diagnostics.
	CAFileRange, CertFileRange, KeyFileRange hcl.Range
}

// Extract reads a numeric field of a JSON response body by dot path ("a.b.0.c").
type Extract struct {
	Name     string
	JSONPath string
	// Output names a kserve output whose first element is read; JSONPath
	// is then its place in the response's extraction form.
	Output    string
	DeclRange hcl.Range
}

// Health is a precondition polled before any load until it answers one of Status.
type Health struct {
	Name     string
	URL      string
	Method   string        // default "GET"
	Status   []int         // default [200]
	Timeout  time.Duration // default 30s: give up and exit 3
	Interval time.Duration // default 1s between polls
	// Model, for a grpc:// check, is the model whose KServe ModelReady must
	// be true besides ServerReady; "" checks the server only.
	Model     string
	TLS       *TLS
	DeclRange hcl.Range
}

// SamplerKind names a sampler implementation.
type SamplerKind string

const (
	SamplerNVML       SamplerKind = "nvml"
	SamplerTriton     SamplerKind = "triton"
	SamplerDCGM       SamplerKind = "dcgm"
	SamplerPrometheus SamplerKind = "prometheus"
	SamplerVLLM       SamplerKind = "vllm"
)

// SamplerKinds lists the valid kinds in documentation order.
var SamplerKinds = []SamplerKind{SamplerNVML, SamplerTriton, SamplerDCGM, SamplerPrometheus, SamplerVLLM}

// Sampler is a `sampler "kind" "name"` block.
type Sampler struct {
	Kind      SamplerKind
	Name      string
	Interval  time.Duration // default 1s
	Timeout   time.Duration // per-sample deadline; default = Interval
	Optional  bool
	URL       string    // triton, dcgm, prometheus
	Model     string    // triton: "" = all models summed
	Version   string    // triton: "" = all versions
	Devices   []int     // nvml: nil = all
	Series    []*Series // prometheus
	DeclRange hcl.Range
}

// SeriesKind says how a Prometheus series is aggregated over a window.
type SeriesKind string

const (
	SeriesGauge   SeriesKind = "gauge"
	SeriesCounter SeriesKind = "counter"
)

// Series selects one Prometheus series (summed over every label set that matches).
type Series struct {
	Name      string            // the name conditions use: sampler.NAME.<Name>
	Metric    string            // the exposition metric name
	Labels    map[string]string // equality matchers; empty = all label sets
	Kind      SeriesKind        // default gauge
	DeclRange hcl.Range
}

// LoadModel is how a step generates load.
type LoadModel string

const (
	Closed LoadModel = "closed" // `users`: concurrent users, each waiting for its response
	Open   LoadModel = "open"   // `rate`: arrivals per second, independent of responses
)

// Step is one load level. Exactly one of Users (closed) or Rate (open) is set.
type Step struct {
	Name   string
	Target string // resolved: always names a target after decoding
	Model  LoadModel
	Users  int     // closed model
	Rate   float64 // open model, arrivals/s

	// Ramp is the time to move linearly from the previous step's level to this
	// one; RampRate is the alternative (users or req/s added per second). At
	// most one is non-zero. The first step ramps from zero.
	Ramp     time.Duration
	RampRate float64

	// Pace: each user starts one request per Pace. Think: each user waits Think
	// after each response. At most one is set; neither = back to back.
	Pace  time.Duration
	Think time.Duration

	// Arrival is an open step's arrival process (ArrivalUniform unless set)
	// and Burstiness the gamma shape of its gaps (ArrivalGamma only; 1 unless
	// set). PaceJitter (0–0.5) spreads each paced interval of a closed step
	// at random. Seed seeds both (DefaultSeed unless set), so one file sends
	// one schedule.
	Arrival    Arrival
	Burstiness float64
	PaceJitter float64
	Seed       uint64

	Duration    time.Duration // measured window
	MaxInFlight int           // open model: 0 = default (see runner)
	Asserts     []*Assert     // asserts nested in this step (also in Scenario.Asserts)
	DeclRange   hcl.Range
}

// Arrival is an open step's arrival process.
type Arrival string

const (
	ArrivalUniform Arrival = "uniform" // evenly spaced at the rate
	ArrivalPoisson Arrival = "poisson" // independent arrivals: exponential gaps
	ArrivalGamma   Arrival = "gamma"   // gamma gaps of shape burstiness: 1 is Poisson, below 1 burstier
)

// Severity decides whether a breached assertion fails the run.
type Severity string

const (
	SeverityFail Severity = "fail"
	SeverityWarn Severity = "warn"
)

// Assert is an `assert` block, top-level or nested in a step.
type Assert struct {
	Name string
	// Condition and ErrorMessage are evaluated per step window, so they stay
	// expressions. ErrorMessage may be nil.
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	// ConditionSource is the condition's text as written, for reports.
	ConditionSource string
	// Steps limits the assert to these steps; empty = every measured step.
	// For an assert nested in a step, Steps is that step alone.
	Steps    []string
	Step     string // the enclosing step for a nested assert, else ""
	Severity Severity
	Abort    bool
	Sustain  time.Duration
	// EvalCtx is the context the condition must be evaluated in: the scenario's
	// context, or dynblock's child context for an assert inside dynamic "step"
	// content (so the iterator stays visible). Condition namespaces are added
	// as a child of this context at evaluation time.
	EvalCtx   *hcl.EvalContext
	DeclRange hcl.Range
}
