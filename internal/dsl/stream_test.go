package dsl

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const streamBase = `
scenario { name = "t" }
assert "p95" { condition = latency.p95 < 500 }
step "s" {
  users    = 1
  duration = "1s"
}
`

func TestDecodeStreamAndSLO(t *testing.T) {
	s := mustLoad(t, streamBase+`
target "chat" {
  url  = "http://127.0.0.1:8000/v1/chat/completions"
  body = jsonencode({ stream = true, messages = [{ role = "user", content = words(8, 1) }] })
  stream { format = "openai" }
  slo {
    latency = "10s"
    ttft    = "500ms"
    tpot    = "50ms"
  }
}`, LoadOptions{})
	tg := s.Targets[0]
	if tg.Stream == nil || tg.Stream.Format != StreamOpenAI {
		t.Fatalf("stream %+v, want format openai", tg.Stream)
	}
	if tg.SLO == nil || tg.SLO.Latency != 10*time.Second || tg.SLO.TTFT != 500*time.Millisecond || tg.SLO.TPOT != 50*time.Millisecond {
		t.Fatalf("slo %+v", tg.SLO)
	}
	if !strings.Contains(string(tg.Body), Words(8, 1)) {
		t.Errorf("body %s does not hold words(8, 1) = %q", tg.Body, Words(8, 1))
	}
}

func TestStreamDiagnostics(t *testing.T) {
	tests := []struct {
		name, target string
		want         string // substring of the rendered diagnostics, with its line:col
	}{
		{"bad format", `stream { format = "openia" }`, `:10:21: error: Unknown stream format`},
		{"format missing", `stream {}`, `Missing required argument`},
		{"two stream blocks", "stream { format = \"sse\" }\n  stream { format = \"sse\" }", `Duplicate stream block`},
		{"ttft without stream", `slo { ttft = "1s" }`, `:10:16: error: Objective needs a streaming target`},
		{"tpot without stream", `slo { tpot = "1s" }`, `Objective needs a streaming target`},
		{"bad duration", "stream { format = \"openai\" }\n  slo { ttft = \"fast\" }", `ttft = "fast" is not a duration`},
		{"zero", "stream { format = \"openai\" }\n  slo { tpot = \"0s\" }", `tpot must be longer than zero`},
		{"empty slo", `slo {}`, `Empty slo block`},
		{"unknown slo field", `slo { itl = "1s" }`, `Unsupported argument`},
		{"extract on a stream", "stream { format = \"openai\" }\n  extract \"x\" { json = \"a\" }", `Extract on a streaming target`},
		{"latency over timeout", "timeout = \"5s\"\n  slo { latency = \"10s\" }", `Latency objective longer than the timeout`},
		{"stream on a kserve target", "stream { format = \"openai\" }\n  kserve {\n    model = \"m\"\n    input \"x\" {\n      datatype = \"UINT8\"\n      shape    = [1]\n      data     = [1]\n    }\n  }", `:10:3: error: Stream on a kserve target`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := streamBase + "target \"chat\" {\n  url = \"http://127.0.0.1:8000/v1/chat/completions\"\n  " + tt.target + "\n}\n"
			s, diags := LoadBytes(filepath.Join(t.TempDir(), "test.hcl"), []byte(src), LoadOptions{Environ: noEnv})
			if !diags.HasErrors() {
				t.Fatalf("no error for:\n%s", src)
			}
			if out := renderDiags(s, diags); !strings.Contains(out, tt.want) {
				t.Errorf("diagnostics:\n%s\nwant %q", out, tt.want)
			}
		})
	}
}

// A latency objective alone needs no stream: it applies to any target.
func TestSLOLatencyWithoutStream(t *testing.T) {
	s := mustLoad(t, streamBase+`target "api" {
  url = "http://127.0.0.1:8000/x"
  slo { latency = "200ms" }
}`, LoadOptions{})
	if s.Targets[0].SLO.Latency != 200*time.Millisecond || s.Targets[0].Stream != nil {
		t.Fatalf("target %+v", s.Targets[0])
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		expr  string
		count int
		err   string
	}{
		{`words(0)`, 0, ""},
		{`words(1)`, 1, ""},
		{`words(512, 1)`, 512, ""},
		{`words(-1)`, 0, "n"},
		{`words(1.5)`, 0, "n"},
		{`words(2000000)`, 0, "n"},
		{`words(3, 1, 2)`, 0, "at most one seed"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			src := streamBase + "target \"api\" {\n  url = \"http://127.0.0.1:8000/x\"\n  body = " + tt.expr + "\n}\n"
			s, diags := LoadBytes(filepath.Join(t.TempDir(), "test.hcl"), []byte(src), LoadOptions{Environ: noEnv})
			if tt.err != "" {
				if out := renderDiags(s, diags); !diags.HasErrors() || !strings.Contains(out, tt.err) {
					t.Fatalf("diagnostics %s, want an error naming %q", out, tt.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(renderDiags(s, diags))
			}
			if got := len(strings.Fields(string(s.Targets[0].Body))); got != tt.count {
				t.Errorf("%d words, want %d", got, tt.count)
			}
		})
	}
	if Words(20, 1) != Words(20, 1) || Words(20, 1) == Words(20, 2) {
		t.Error("words is not deterministic per seed, or ignores the seed")
	}
	if !strings.HasPrefix(Words(30, 7), Words(10, 7)) {
		t.Error("words(10, s) is not a prefix of words(30, s)")
	}
}

func TestStreamConditions(t *testing.T) {
	target := `target "chat" {
  url = "http://127.0.0.1:8000/v1/chat/completions"
  stream { format = "openai" }
}
`
	for _, cond := range []string{
		"stream.ttft.p95 < 500", "stream.tpot.p99 < 50", "stream.itl.mean < 40", "stream.chunk_gap.max < 100",
		"stream.output_tokens.mean > 10", "stream.input_tokens.max < 4096", "stream.tokens_per_s > 100",
		`stream.token_source == "usage"`, "requests.goodput >= 5", "requests.slo_attainment >= 0.9",
	} {
		mustLoad(t, streamBase+target+"assert \"s\" { condition = "+cond+" }\n", LoadOptions{})
	}
	tests := []struct{ target, cond, want string }{
		{target, "stream.ttft.p999 < 1", "stream.ttft has no field p999"},
		{target, "stream.ttfb.p95 < 1", "stream has no field ttfb; did you mean ttft?"},
		{`target "api" { url = "http://127.0.0.1:8000/x" }` + "\n", "stream.ttft.p95 < 1", "No streaming target"},
	}
	for _, tt := range tests {
		src := streamBase + tt.target + "assert \"s\" { condition = " + tt.cond + " }\n"
		s, diags := LoadBytes(filepath.Join(t.TempDir(), "test.hcl"), []byte(src), LoadOptions{Environ: noEnv})
		if out := renderDiags(s, diags); !diags.HasErrors() || !strings.Contains(out, tt.want) {
			t.Errorf("%s: diagnostics %s, want %q", tt.cond, out, tt.want)
		}
	}
}

func TestVLLMSampler(t *testing.T) {
	target := "target \"api\" { url = \"http://127.0.0.1:8000/x\" }\n"
	s := mustLoad(t, streamBase+target+`sampler "vllm" "engine" {
  url   = "http://127.0.0.1:8000/metrics"
  model = "m"
}
assert "kv" { condition = vllm.kv_cache_usage.max < 0.9 && sampler.engine.vllm.ttft_ms < 500 && vllm.running.mean > 0 }
`, LoadOptions{})
	if sm := s.Samplers[0]; sm.Kind != SamplerVLLM || sm.Model != "m" {
		t.Fatalf("sampler %+v", sm)
	}
	for _, tt := range []struct{ src, want string }{
		{`sampler "vllm" "e" {}`, "Missing required argument"},
		{`sampler "vllm" "e" {
  url = "http://127.0.0.1:8000/metrics"
  devices = [0]
}`, "devices applies to nvml samplers only"},
		{`sampler "vllm" "e" { url = "http://127.0.0.1:8000/metrics" }
assert "x" { condition = vllm.kv_cache_usage.p95 < 1 }`, "vllm.kv_cache_usage has no field p95"},
	} {
		src := streamBase + target + tt.src + "\n"
		s, diags := LoadBytes(filepath.Join(t.TempDir(), "test.hcl"), []byte(src), LoadOptions{Environ: noEnv})
		if out := renderDiags(s, diags); !diags.HasErrors() || !strings.Contains(out, tt.want) {
			t.Errorf("diagnostics %s, want %q", out, tt.want)
		}
	}
}
