package sampler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

const (
	vllmV04  = "vllm/v0_vllm-0.4.x_datadog_opt-125m_metrics.txt"
	vllmV05  = "vllm/v0_vllm-0.5.x_kubeai_llama-3.1-8b-fp8_metrics.txt"
	vllmV122 = "vllm/v1_vllm-0.22.1rc1_sparkrun_grep-subset.txt"
	kubeai   = "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8"
)

// readingMap is a reading's gauges by field and its counters summed by
// field, with the number of counter series per field.
func readingMap(r Reading) (gauges, counters map[string]float64, series map[string]int) {
	gauges, counters, series = map[string]float64{}, map[string]float64{}, map[string]int{}
	for _, p := range r.Points {
		if p.Class == classGauge {
			gauges[p.Field] = p.Value
			continue
		}
		counters[p.Field] += p.Value
		series[p.Field]++
	}
	return gauges, counters, series
}

// TestVLLMFixtures reads the real captured pages of both vLLM generations:
// v0 names (gpu_cache_usage_perc, time_per_output_token_seconds) and v1's
// (engine label, _created gauges that must not be read as counters,
// num_requests_waiting_by_reason that must not be read as waiting).
func TestVLLMFixtures(t *testing.T) {
	v05 := map[string]float64{vPreempt: 0, vPrompt: 90, vGen: 2546, "ttft_count": 9, "ttft_sum": 0.5106480121612549,
		"tpot_count": 2537, "tpot_sum": 98.35070300102234, "e2e_count": 6, "e2e_sum": 93.24844908714294}
	tests := []struct {
		file, model      string
		gauges, counters map[string]float64
	}{
		{vllmV04, "", map[string]float64{vRunning: 0, vWaiting: 0, vKV: 0},
			map[string]float64{vPreempt: 0, vPrompt: 5, vGen: 7, "ttft_count": 1, "ttft_sum": 0.31326723098754883,
				"tpot_count": 6, "tpot_sum": 0.19016313552856445, "e2e_count": 1, "e2e_sum": 0.5034303665161133}},
		// The KubeAI authors injected one other/OTHER waiting line: all models sum it in.
		{vllmV05, "", map[string]float64{vRunning: 3, vWaiting: 5, vKV: 0.0026235242675994863}, v05},
		{vllmV05, kubeai, map[string]float64{vRunning: 3, vWaiting: 2, vKV: 0.0026235242675994863}, v05},
		{vllmV122, "", map[string]float64{vRunning: 0, vWaiting: 0, vKV: 0}, map[string]float64{vPreempt: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.model, func(t *testing.T) {
			g, c, n := readingMap(vllmReading(mustParse(t, fixture(t, tt.file)), tt.model))
			if d := cmp.Diff(tt.gauges, g, approx); d != "" {
				t.Errorf("gauges (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.counters, c, approx); d != "" {
				t.Errorf("counters (-want +got):\n%s", d)
			}
			if n[vPreempt] != 1 {
				t.Errorf("%d preemption series, want 1 (a _created series read as a counter?)", n[vPreempt])
			}
		})
	}
}

// TestVLLMRenamedWaiting: by_reason gauges that are not zero still leave
// waiting alone (names are matched exactly).
func TestVLLMRenamedWaiting(t *testing.T) {
	page := regexp.MustCompile(`(?m)^(vllm:num_requests_waiting_by_reason\{.*\}) 0\.0$`).ReplaceAllString(string(fixture(t, vllmV122)), "$1 7.0")
	g, _, _ := readingMap(vllmReading(mustParse(t, []byte(page)), ""))
	if g[vWaiting] != 0 {
		t.Errorf("waiting = %v, want 0", g[vWaiting])
	}
}

// setValues rewrites the value of each named sample line of page.
func setValues(t *testing.T, page string, vals map[string]float64) string {
	t.Helper()
	for name, v := range vals {
		re := regexp.MustCompile(`(?m)^(` + regexp.QuoteMeta(name) + `\{[^}]*\}) \S+$`)
		if !re.MatchString(page) {
			t.Fatalf("no line %s", name)
		}
		page = re.ReplaceAllString(page, "${1} "+strconv.FormatFloat(v, 'f', -1, 64))
	}
	return page
}

// v05Page is the real v0.5 page at scrape n: per scrape, 100 prompt and 400
// generation tokens, 10 requests of 50 ms TTFT and 2 s end to end, 390
// output steps of 25 ms, 2 preemptions. With reset > 0 the server restarted
// just before scrape reset and counts again from zero.
func v05Page(t *testing.T, n, reset int) string {
	k, base := float64(n), 1.0
	if reset > 0 && n >= reset {
		k, base = float64(n-reset), 0
	}
	return setValues(t, string(fixture(t, vllmV05)), map[string]float64{
		"vllm:prompt_tokens_total": base*90 + 100*k, "vllm:generation_tokens_total": base*2546 + 400*k,
		"vllm:num_preemptions_total":           2 * k,
		"vllm:time_to_first_token_seconds_sum": base*1 + 0.5*k, "vllm:time_to_first_token_seconds_count": base*9 + 10*k,
		"vllm:time_per_output_token_seconds_sum": base*100 + 9.75*k, "vllm:time_per_output_token_seconds_count": base*2537 + 390*k,
		"vllm:e2e_request_latency_seconds_sum": base*93 + 20*k, "vllm:e2e_request_latency_seconds_count": base*6 + 10*k,
		"vllm:num_requests_running": float64(n % 4),
	})
}

// TestVLLMWindow: window values from counter and histogram deltas over real
// pages whose counters move, and across a server restart (counters reset).
func TestVLLMWindow(t *testing.T) {
	for _, reset := range []int{0, 3} {
		t.Run(fmt.Sprintf("reset=%d", reset), func(t *testing.T) {
			st := newStore()
			for n := range 5 {
				st.add(at(float64(n)), vllmReading(mustParse(t, []byte(v05Page(t, n, reset))), kubeai))
			}
			got := vllmWindowSums(st.window(at(0), at(4))).derive()
			want := map[string]any{
				"prompt": 400.0, "generation": 1600.0, "preemptions": 8.0,
				"ttft_ms": 50.0, "tpot_ms": 25.0, "e2e_ms": 2000.0,
				"running_max": 3.0, "running_mean": 1.2, "waiting_max": 2.0, "kv_max": 0.0026235242675994863,
			}
			if reset > 0 {
				// The restart's interval adds only what the new server counted
				// by its first scrape (k = 0: nothing), as increase() does:
				// three intervals of growth remain.
				want["prompt"], want["generation"], want["preemptions"] = 300.0, 1200.0, 6.0
			}
			if d := cmp.Diff(want, vllmMap(got), approx); d != "" {
				t.Errorf("vllm window (-want +got):\n%s", d)
			}
			one := vllmWindowSums(st.window(at(2), at(2))).derive()
			if one.PromptTokens != nil || one.TTFTMs != nil {
				t.Errorf("single scrape: prompt %v ttft %v, want unknown", deref(one.PromptTokens), deref(one.TTFTMs))
			}
		})
	}
}

func vllmMap(v *result.VLLM) map[string]any {
	return map[string]any{
		"prompt": deref(v.PromptTokens), "generation": deref(v.GenerationTokens), "preemptions": deref(v.Preemptions),
		"ttft_ms": deref(v.TTFTMs), "tpot_ms": deref(v.TPOTMs), "e2e_ms": deref(v.E2EMs),
		"running_max": deref(v.Running.Max), "running_mean": deref(v.Running.Mean), "waiting_max": deref(v.Waiting.Max),
		"kv_max": deref(v.KVCacheUsage.Max),
	}
}

// v1Page is a v1 page at scrape n: two data-parallel engines with _created
// series, both the 0.9-0.10 gpu_-prefixed prefix-cache counter and the new
// ones (only the new are read), kv usage per engine (the fullest is taken),
// a counter written with a three-digit exponent as prometheus_client does.
func v1Page(n int) string {
	k := float64(n)
	return fmt.Sprintf(`# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="m"} 2.0
vllm:num_requests_running{engine="1",model_name="m"} 3.0
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.5
vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.75
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{engine="0",model_name="m"} 0.1
# TYPE vllm:prefix_cache_queries counter
vllm:prefix_cache_queries_total{engine="0",model_name="m"} %[1]g
vllm:prefix_cache_queries_total{engine="1",model_name="m"} %[1]g
# TYPE vllm:prefix_cache_queries_created gauge
vllm:prefix_cache_queries_created{engine="0",model_name="m"} 1.781276629357662e+09
# TYPE vllm:prefix_cache_hits counter
vllm:prefix_cache_hits_total{engine="0",model_name="m"} %[2]g
vllm:prefix_cache_hits_total{engine="1",model_name="m"} 0.0
# TYPE vllm:gpu_prefix_cache_queries counter
vllm:gpu_prefix_cache_queries_total{engine="0",model_name="m"} 9.99e+10
# TYPE vllm:generation_tokens counter
vllm:generation_tokens_total{engine="0",model_name="m"} %[3]s
# TYPE vllm:inter_token_latency_seconds histogram
vllm:inter_token_latency_seconds_sum{engine="0",model_name="m"} %[4]g
vllm:inter_token_latency_seconds_bucket{engine="0",le="+Inf",model_name="m"} %[5]g
vllm:inter_token_latency_seconds_count{engine="0",model_name="m"} %[5]g
`, 1000*k, 250*k, []string{"3.9024848896e+010", "3.9024849896e+010", "3.9024850896e+010"}[n], 0.02*100*k, 100*k)
}

// TestVLLMv1Window: engines summed, the fullest engine's kv usage, the new
// prefix-cache counters preferred, a three-digit exponent, ITL as tpot.
func TestVLLMv1Window(t *testing.T) {
	st := newStore()
	for n := range 3 {
		st.add(at(float64(n)), vllmReading(mustParse(t, []byte(v1Page(n))), ""))
	}
	got := vllmWindowSums(st.window(at(0), at(2))).derive()
	want := map[string]any{
		"prompt": nil, "generation": 2000.0, "preemptions": nil, "ttft_ms": nil, "tpot_ms": 20.0, "e2e_ms": nil,
		"running_max": 5.0, "running_mean": 5.0, "waiting_max": nil, "kv_max": 0.75,
	}
	if d := cmp.Diff(want, vllmMap(got), approx); d != "" {
		t.Errorf("vllm window (-want +got):\n%s", d)
	}
	if got.PrefixCacheHitRate == nil || *got.PrefixCacheHitRate != 0.125 {
		t.Errorf("prefix cache hit rate %v, want 0.125", deref(got.PrefixCacheHitRate))
	}
}

// FuzzVLLMPage parses hostile pages as vLLM's: never a panic, and every
// window value is finite or unknown (the results file cannot hold others).
func FuzzVLLMPage(f *testing.F) {
	for _, p := range []string{vllmV04, vllmV05, vllmV122} {
		f.Add(fixture(f, p), "")
	}
	f.Add([]byte(v1Page(1)), "m")
	f.Fuzz(func(t *testing.T, page []byte, model string) {
		ss, err := parseExposition(page, "text/plain; version=0.0.4")
		if err != nil {
			return
		}
		st := newStore()
		st.add(at(0), vllmReading(ss, model))
		st.add(at(1), Reading{})
		st.add(at(2), vllmReading(ss, model))
		v := addVLLMSums([]vllmSums{vllmWindowSums(st.window(at(0), at(2))), {}}).derive()
		for name, x := range vllmMap(v) {
			if f, ok := x.(float64); ok && (f != f || f > 1e308 || f < -1e308) {
				t.Fatalf("%s = %v", name, f)
			}
		}
	})
}

// TestVLLMLatest: the live console's vLLM values are the newest scrape's
// (the page's gauges are constant; its counters move),
// two engines summed (running, waiting) or the fullest (kv cache usage),
// per sampler and over the samplers.
func TestVLLMLatest(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(v1Page(int(min(n.Add(1), 3) - 1))))
	}))
	defer srv.Close()
	var cs []*dsl.Sampler
	for _, name := range []string{"a", "b"} {
		c := cfg(dsl.SamplerVLLM, name, false)
		c.URL, c.Timeout = srv.URL, 5*time.Second
		cs = append(cs, c)
	}
	g := startGroup(t, Options{}, cs...)
	g.SampleNow(context.Background())
	latest := g.Latest()
	want := map[string]float64{
		"sampler.a.vllm.running": 5, "sampler.a.vllm.kv_cache_usage": 0.75,
		"sampler.b.vllm.running": 5, "vllm.running": 10, "vllm.kv_cache_usage": 0.75,
	}
	for k, v := range want {
		if got, ok := latest[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if v, ok := latest["vllm.waiting"]; ok {
		t.Errorf("vllm.waiting = %v, want absent: the page has no waiting gauge", v)
	}
}
