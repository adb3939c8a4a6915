package sampler

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// vLLM fields (Point.Field). Gauges are summed over engines at the scrape
// (kv cache usage takes the fullest engine); counters keep each label set as
// its own series, so resets are found before summing.
const (
	vRunning     = "running"
	vWaiting     = "waiting"
	vKV          = "kv_cache_usage"
	vPrefixGauge = "prefix_hit_rate_gauge" // v0's gauge; -1 (undefined) is left out
	vPreempt     = "preemptions"
	vPrompt      = "prompt_tokens"
	vGen         = "generation_tokens"
	vPrefixQ     = "prefix_queries"
	vPrefixH     = "prefix_hits"
)

// vllmAlias lists, per field, the metric names vLLM versions expose for it,
// newest first: a scrape reads the first name present on its page, so a
// version exposing both the old and the new name (0.9-0.10) is not counted
// twice. Names are matched exactly: vllm:num_requests_waiting_by_reason
// must not be read as vllm:num_requests_waiting, nor `_created` series as
// anything.
var vllmAlias = []struct {
	field string
	class class
	names []string
}{
	{vRunning, classGauge, []string{"vllm:num_requests_running"}},
	{vWaiting, classGauge, []string{"vllm:num_requests_waiting"}},
	{vKV, classGauge, []string{"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"}},
	{vPrefixGauge, classGauge, []string{"vllm:gpu_prefix_cache_hit_rate"}},
	{vPreempt, classCounter, []string{"vllm:num_preemptions_total"}},
	{vPrompt, classCounter, []string{"vllm:prompt_tokens_total"}},
	{vGen, classCounter, []string{"vllm:generation_tokens_total"}},
	{vPrefixQ, classCounter, []string{"vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"}},
	{vPrefixH, classCounter, []string{"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"}},
}

// vllmHists are the histograms whose window mean (Δ_sum / Δ_count, seconds)
// is a vllm field in ms; each has a `<field>_sum` and `<field>_count`
// counter field. tpot reads vLLM's per-output inter-token latency, named
// time_per_output_token_seconds until 0.11.
var vllmHists = []struct {
	field string
	names []string
}{
	{"ttft", []string{"vllm:time_to_first_token_seconds"}},
	{"tpot", []string{"vllm:inter_token_latency_seconds", "vllm:time_per_output_token_seconds"}},
	{"e2e", []string{"vllm:e2e_request_latency_seconds"}},
	{"queue", []string{"vllm:request_queue_time_seconds"}},
}

// vllmSampler scrapes a vLLM /metrics endpoint.
type vllmSampler struct {
	url    string
	model  string // "" = all models
	client *http.Client
}

var _ Sampler = (*vllmSampler)(nil)

func newVLLM(cfg *dsl.Sampler, opts Options) Sampler {
	return &vllmSampler{url: cfg.URL, model: cfg.Model, client: opts.client()}
}

// Start scrapes once: the page must hold vLLM metrics (and the model, when
// one is named).
func (s *vllmSampler) Start(ctx context.Context) error {
	ss, err := scrape(ctx, s.client, s.url)
	if err != nil {
		return err
	}
	vllm, models := false, map[string]bool{}
	for _, x := range ss {
		if strings.HasPrefix(x.name, "vllm:") {
			vllm = true
			if m := x.get("model_name"); m != "" {
				models[m] = true
			}
		}
	}
	if !vllm {
		return fmt.Errorf("no vLLM metrics (vllm:*) at %s: is this vLLM's /metrics on its API port (default 8000)?", s.url)
	}
	if s.model != "" && !models[s.model] {
		return fmt.Errorf("model %q not found at %s; models served: %s", s.model, s.url, strings.Join(slices.Sorted(maps.Keys(models)), ", "))
	}
	return nil
}

func (s *vllmSampler) Sample(ctx context.Context) (Reading, error) {
	ss, err := scrape(ctx, s.client, s.url)
	if err != nil {
		return Reading{}, err
	}
	return vllmReading(ss, s.model), nil
}

func (s *vllmSampler) Close() error { return nil }

// vllmReading picks the vLLM fields out of one scrape.
func vllmReading(ss []sample, model string) Reading {
	present := map[string]bool{}
	for _, x := range ss {
		present[x.name] = true
	}
	pick := func(names []string) string {
		for _, n := range names {
			if present[n] {
				return n
			}
		}
		return ""
	}
	selected := func(x sample) bool { return model == "" || x.get("model_name") == model }
	var r Reading
	for _, a := range vllmAlias {
		name := pick(a.names)
		if name == "" {
			continue
		}
		sum, found := 0.0, false
		for _, x := range ss {
			if x.name != name || !selected(x) {
				continue
			}
			switch {
			case a.class == classCounter:
				r.Points = append(r.Points, Point{Class: classCounter, Field: a.field, Entity: x.key(), Value: x.value})
			case a.field == vKV:
				sum, found = max(sum, x.value), true // the fullest engine
			case a.field == vPrefixGauge && x.value < 0: // undefined: no query yet
			default:
				sum, found = sum+x.value, true
			}
		}
		if found {
			r.Points = append(r.Points, Point{Class: classGauge, Field: a.field, Value: sum})
		}
	}
	for _, h := range vllmHists {
		var base string
		for _, n := range h.names {
			if present[n+"_count"] {
				base = n
				break
			}
		}
		if base == "" {
			continue
		}
		for _, x := range ss {
			if !selected(x) {
				continue
			}
			switch x.name {
			case base + "_sum":
				r.Points = append(r.Points, Point{Class: classCounter, Field: h.field + "_sum", Entity: x.key(), Value: x.value})
			case base + "_count":
				r.Points = append(r.Points, Point{Class: classCounter, Field: h.field + "_count", Entity: x.key(), Value: x.value})
			}
		}
	}
	return r
}

// vllmSums are one vLLM sampler's counter deltas and gauge stats over a
// window, kept apart from the derived values so that several samplers can
// be summed before dividing.
type vllmSums struct {
	delta                map[string]*float64
	running, waiting, kv result.Stat
	prefixGauge          result.Stat
}

var vllmDeltaFields = []string{vPreempt, vPrompt, vGen, vPrefixQ, vPrefixH,
	"ttft_sum", "ttft_count", "tpot_sum", "tpot_count", "e2e_sum", "e2e_count", "queue_sum", "queue_count"}

func vllmWindowSums(v view) vllmSums {
	s := vllmSums{delta: map[string]*float64{}}
	for _, f := range vllmDeltaFields {
		s.delta[f] = v.sumIncrease(f)
	}
	s.running, s.waiting = gaugeStat(v.gauge(vRunning)), gaugeStat(v.gauge(vWaiting))
	s.kv, s.prefixGauge = gaugeStat(v.gauge(vKV)), gaugeStat(v.gauge(vPrefixGauge))
	return s
}

// derive turns the sums into the vllm namespace: histogram means are
// Δsum / Δcount × 1000 (ms; unknown when nothing was counted), the prefix
// cache hit rate Δhits / Δqueries (or v0's gauge, averaged).
func (s vllmSums) derive() *result.VLLM {
	ms := func(f string) *float64 { return scale(div(s.delta[f+"_sum"], s.delta[f+"_count"]), 1000) }
	v := &result.VLLM{
		Running: s.running, Waiting: s.waiting, KVCacheUsage: s.kv,
		Preemptions: s.delta[vPreempt], PromptTokens: s.delta[vPrompt], GenerationTokens: s.delta[vGen],
		TTFTMs: ms("ttft"), TPOTMs: ms("tpot"), E2EMs: ms("e2e"), QueueMs: ms("queue"),
		PrefixCacheHitRate: div(s.delta[vPrefixH], s.delta[vPrefixQ]),
	}
	if v.PrefixCacheHitRate == nil && s.delta[vPrefixQ] == nil {
		v.PrefixCacheHitRate = s.prefixGauge.Mean
	}
	return v
}

// addVLLMSums sums several samplers: deltas unknown in any is unknown in the
// sum; gauge stats add field by field, except kv cache usage, a ratio,
// which keeps the fullest.
func addVLLMSums(all []vllmSums) vllmSums {
	out := all[0]
	out.delta = map[string]*float64{}
	for f, d := range all[0].delta {
		out.delta[f] = d
	}
	for _, s := range all[1:] {
		for _, f := range vllmDeltaFields {
			out.delta[f] = add(out.delta[f], s.delta[f])
		}
		out.running, out.waiting = addStat(out.running, s.running), addStat(out.waiting, s.waiting)
		out.kv = maxStat(out.kv, s.kv)
		out.prefixGauge = result.Stat{}
	}
	return out
}

func maxStat(a, b result.Stat) result.Stat {
	m := func(x, y *float64) *float64 {
		if x == nil || y == nil {
			return nil
		}
		return ptr(max(*x, *y))
	}
	return result.Stat{Min: m(a.Min, b.Min), Mean: m(a.Mean, b.Mean), Max: m(a.Max, b.Max), Last: m(a.Last, b.Last), P95: m(a.P95, b.P95)}
}
