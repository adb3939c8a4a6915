package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/harness-gpu/harness/internal/stream"
)

// timing is what one sequence saw, on the engine's (virtual) clock.
type timing struct {
	ttft, total time.Duration
	tokens      int
}

// runSeqs runs n requests of prompt and out tokens, all arriving at once,
// through an engine of profile l on virtual time, and returns their timings
// in submission order and the engine's preemption count.
func runSeqs(t *testing.T, l LLMProfile, n, prompt, out int) ([]timing, uint64) {
	t.Helper()
	var got []timing
	var preemptions uint64
	synctest.Test(t, func(t *testing.T) {
		p := Profiles()[0]
		e := newLLMEngine(l, p, newGPUModel(p, time.Now()))
		go e.run()
		defer e.close()
		start := time.Now()
		got = make([]timing, n)
		var wg sync.WaitGroup
		for i := range n {
			s, err := e.submit(start, prompt, out)
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				for k := range s.out {
					if got[i].tokens == 0 {
						got[i].ttft = time.Since(start)
					}
					got[i].tokens = k
				}
				got[i].total = time.Since(start)
			})
		}
		wg.Wait()
		preemptions = e.snapshot().stats.preemptions
	})
	return got, preemptions
}

func testLLM() LLMProfile {
	l := Profiles()[0].LLM
	l.MaxKVBlocks = 1000
	return l
}

// TestLLMQueueing: with room in the KV cache for two sequences, the third
// and fourth wait for the first two to finish: their TTFT is longer than
// the first two's whole run.
func TestLLMQueueing(t *testing.T) {
	l := testLLM()
	l.MaxKVBlocks = 2 * ((512 + 64 + l.BlockTokens) / l.BlockTokens) // two whole sequences of 512 + 64 tokens
	got, preempt := runSeqs(t, l, 4, 512, 64)
	for i, g := range got {
		if g.tokens != 64 {
			t.Fatalf("seq %d got %d tokens, want 64", i, g.tokens)
		}
	}
	if got[2].ttft < got[0].total || got[3].ttft < got[1].total {
		t.Errorf("waiting sequences started early: %+v", got)
	}
	if preempt != 0 {
		t.Errorf("%d preemptions with room for the running set", preempt)
	}
	// Both prompts share the first iteration: TTFT is one prefill of 1024 tokens in chunks.
	if got[0].ttft != got[1].ttft && got[1].ttft-got[0].ttft > 200*time.Millisecond {
		t.Errorf("first two TTFT %v %v", got[0].ttft, got[1].ttft)
	}
}

// TestLLMDecodeGrowsWithBatch: a decode iteration reads every running
// sequence's KV cache, so time per output token grows with the batch.
func TestLLMDecodeGrowsWithBatch(t *testing.T) {
	tpot := func(n int) time.Duration {
		got, _ := runSeqs(t, testLLM(), n, 256, 32)
		return (got[0].total - got[0].ttft) / 31
	}
	one, many := tpot(1), tpot(16)
	if many <= one {
		t.Errorf("tpot with 16 running %v, with 1 %v: want it to grow", many, one)
	}
}

// TestLLMPreemption: prompts fit, their growth does not: the engine
// preempts (recompute) and every sequence still completes.
func TestLLMPreemption(t *testing.T) {
	l := testLLM()
	l.MaxKVBlocks = 4*(128/l.BlockTokens) + 4 // four prompts and a little growth
	got, preempt := runSeqs(t, l, 4, 128, 64)
	for i, g := range got {
		if g.tokens != 64 {
			t.Fatalf("seq %d got %d tokens, want 64", i, g.tokens)
		}
	}
	if preempt == 0 {
		t.Error("no preemption although the KV cache could not hold the running set")
	}
}

func TestLLMProfilesDiffer(t *testing.T) {
	a, b := Profiles()[0], Profiles()[1]
	if !(a.LLM.kvBlocks(a) < b.LLM.kvBlocks(b)) {
		t.Errorf("kv blocks rtx3060 %d, rtx5090 %d: the larger card should hold more", a.LLM.kvBlocks(a), b.LLM.kvBlocks(b))
	}
	if !(a.LLM.iteration(0, 1000) > 3*b.LLM.iteration(0, 1000)) {
		t.Errorf("decode iteration rtx3060 %v, rtx5090 %v: bandwidth should make the 5090 several times faster",
			a.LLM.iteration(0, 1000), b.LLM.iteration(0, 1000))
	}
}

// TestLLMEndpoints: the OpenAI-compatible endpoints over loopback, streaming
// (read by the harness's own stream meter) and not, and /vllm/metrics.
func TestLLMEndpoints(t *testing.T) {
	p := Profiles()[1]
	p.LLM.WeightsGiB = 0.1 // fast iterations
	_, ts := newTestServer(t, Config{Profile: p})
	url := ts.URL
	post := func(path, body string) *http.Response {
		t.Helper()
		resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, path := range []string{"/v1/chat/completions", "/v1/completions"} {
		body := `{"model":"m","stream":true,"max_tokens":12,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"one two three"}],"prompt":"one two three"}`
		resp := post(path, body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("%s: status %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		m := stream.NewMeter(stream.FormatOpenAI)
		m.Reset(time.Now())
		if _, err := m.Read(resp.Body, time.Now); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		st := m.Stats(nil)
		if st.OutputTokens != 12 || st.Chunks != 12 || st.Source != stream.SourceUsage || st.InputTokens < 4 {
			t.Errorf("%s: %+v", path, st)
		}
	}
	// continuous usage stats: per-chunk counts.
	resp := post("/v1/chat/completions", `{"stream":true,"max_tokens":5,"stream_options":{"include_usage":true,"continuous_usage_stats":true},"messages":[{"role":"user","content":"hi"}]}`)
	raw, _ := io.ReadAll(resp.Body)
	if n := bytes.Count(raw, []byte(`"completion_tokens":`)); n < 7 {
		t.Errorf("continuous usage stats: %d usage objects in\n%s", n, raw)
	}
	// not streaming
	resp = post("/v1/chat/completions", `{"max_tokens":7,"messages":[{"role":"user","content":"hi there"}]}`)
	var out struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
		Usage struct {
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Usage.CompletionTokens != 7 || len(strings.Fields(out.Choices[0].Message.Content)) != 7 {
		t.Errorf("non-streaming: %v %+v", err, out)
	}
	// bad requests
	for _, body := range []string{`{`, `{"messages":[]}`, `{"messages":[{"role":"user","content":"x"}],"max_tokens":0}`} {
		if resp := post("/v1/chat/completions", body); resp.StatusCode != 400 {
			t.Errorf("%s: status %d, want 400", body, resp.StatusCode)
		}
	}
	fams, _ := scrape(t, url+"/vllm/metrics")
	for _, name := range []string{"vllm:num_requests_running", "vllm:kv_cache_usage_perc", "vllm:generation_tokens_total",
		"vllm:num_preemptions_total", "vllm:time_to_first_token_seconds", "vllm:inter_token_latency_seconds"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	if g := fams["vllm:generation_tokens_total"].GetMetric()[0].GetCounter().GetValue(); g < 36 {
		t.Errorf("generation tokens %v, want at least 36", g)
	}
}

// TestLLMShutdownIs503: a request that reaches an engine that has stopped
// is answered 503 (the server's state), not 400 (the request's fault).
func TestLLMShutdownIs503(t *testing.T) {
	s := New(Config{Profile: Profiles()[0]})
	h := s.Handler()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions",
		strings.NewReader(`{"max_tokens":4,"messages":[{"role":"user","content":"hi"}]}`)))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "shutting down") {
		t.Errorf("after Close: %d %s, want 503 saying the server is shutting down", rec.Code, rec.Body)
	}
}
