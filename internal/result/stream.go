package result

// Stream is a streaming target's `stream` object in a step (docs/results.md,
// docs/conditions.md): per-request time to first token, time per output
// token, per-token inter-token latency, raw gaps between chunks and token
// counts, over the window's successful requests.
type Stream struct {
	TTFT         Dist `json:"ttft"`          // ms
	TPOT         Dist `json:"tpot"`          // ms
	ITL          Dist `json:"itl"`           // ms per token
	ChunkGap     Dist `json:"chunk_gap"`     // ms
	OutputTokens Dist `json:"output_tokens"` // tokens per request
	InputTokens  Dist `json:"input_tokens"`  // tokens per request
	// TokensPerS is the output tokens of the window per second of it.
	TokensPerS *float64 `json:"tokens_per_s"`
	// TokenSource is "usage" when every request's counts came from the
	// server's usage object, "chunks" when any request's came from counting
	// the chunks that carried output; "" when no request succeeded.
	TokenSource string `json:"token_source"`
	// TotalOutputTokens and TotalInputTokens are the window's sums (input
	// over the requests whose server reported it).
	TotalOutputTokens int64 `json:"total_output_tokens"`
	TotalInputTokens  int64 `json:"total_input_tokens"`
}

// StreamDists names a Stream's distributions, as the results file and the
// `stream` namespace spell them, in the order Dists gives them.
var StreamDists = [...]string{"ttft", "tpot", "itl", "chunk_gap", "output_tokens", "input_tokens"}

// Dists are s's distributions, in StreamDists' order, for code that treats
// them alike (merging, encoding, conditions).
func (s *Stream) Dists() [len(StreamDists)]*Dist {
	return [...]*Dist{&s.TTFT, &s.TPOT, &s.ITL, &s.ChunkGap, &s.OutputTokens, &s.InputTokens}
}

// Dist summarises one per-request (or per-gap) quantity. Nil fields are
// unknown: no sample in the window. It is a type of its own, not Latency or
// Stat, because its JSON differs from both (it has count and no stddev,
// p999 or last) and every field is written, null when unknown: one type
// with optional fields would change what the file holds.
type Dist struct {
	Count int64    `json:"count"`
	Min   *float64 `json:"min"`
	Mean  *float64 `json:"mean"`
	P50   *float64 `json:"p50"`
	P90   *float64 `json:"p90"`
	P95   *float64 `json:"p95"`
	P99   *float64 `json:"p99"`
	Max   *float64 `json:"max"`
	// Histogram holds the values ×ExtractScale, encoded as
	// Step.Histogram is, so that the parts of a split run merge exactly
	// (harness merge).
	Histogram string `json:"histogram,omitempty"`
}

// AsExtract is d as an Extract (no misses, no last value): the two
// summarise alike, so they merge alike.
func (d Dist) AsExtract() Extract {
	return Extract{Count: d.Count, Min: d.Min, Mean: d.Mean, P50: d.P50, P90: d.P90, P95: d.P95, P99: d.P99, Max: d.Max, Histogram: d.Histogram}
}

// DistOf is x's Dist.
func DistOf(x Extract) Dist {
	return Dist{Count: x.Count, Min: x.Min, Mean: x.Mean, P50: x.P50, P90: x.P90, P95: x.P95, P99: x.P99, Max: x.Max, Histogram: x.Histogram}
}

// VLLM is the `vllm` namespace: a vLLM /metrics page over a window, names
// mapped across vLLM versions (docs/conditions.md). Gauges are Stats (a
// condition reads max and mean); counters are window deltas; the _ms fields
// are window means from histogram Δsum / Δcount. Nil is unknown (fewer than
// two scrapes, or the metric is not exposed).
type VLLM struct {
	Running      Stat `json:"running"`
	Waiting      Stat `json:"waiting"`
	KVCacheUsage Stat `json:"kv_cache_usage"` // 0-1

	Preemptions      *float64 `json:"preemptions"`
	PromptTokens     *float64 `json:"prompt_tokens"`
	GenerationTokens *float64 `json:"generation_tokens"`

	TTFTMs  *float64 `json:"ttft_ms"`
	TPOTMs  *float64 `json:"tpot_ms"`
	E2EMs   *float64 `json:"e2e_ms"`
	QueueMs *float64 `json:"queue_ms"`
	// PrefixCacheHitRate is Δhits / Δqueries (tokens), 0-1.
	PrefixCacheHitRate *float64 `json:"prefix_cache_hit_rate"`
}
