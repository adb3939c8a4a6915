package main

import (
	"path/filepath"
	"testing"

	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sim"
)

// TestE2ELLMDemo runs scenarios/llm-demo.hcl, with short windows, against
// the simulator's LLM engine: every step carries the stream object from
// the server's usage, goodput, the vllm sampler's KV cache and, where the
// GPU's energy is known, efficiency per token; the exit code and the
// results file agree.
func TestE2ELLMDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("the LLM demo takes about 15 s")
	}
	t.Parallel()
	url := startSim(t, sim.Faults{})
	out := filepath.Join(t.TempDir(), "llm.json")
	code, output := runBinary(t, "run", "../../scenarios/llm-demo.hcl", "--var", "base="+url,
		"--var", "baseline=2s", "--var", "ramp=1s", "--var", "hold=2s", "--quiet", "--out", out)
	f, err := result.ReadFile(out)
	if err != nil {
		t.Fatalf("exit %d, results: %v; output:\n%s", code, err, output)
	}
	if code != f.ExitCode || (code != 0 && code != 1) {
		t.Fatalf("exit %d, results file exit_code %d; output:\n%s", code, f.ExitCode, output)
	}
	if len(f.Steps) != 5 {
		t.Fatalf("%d steps, want 5", len(f.Steps))
	}
	for _, st := range f.Steps {
		s := st.Stream
		switch {
		case st.Requests.OK == 0:
			t.Errorf("step %s: no request succeeded: %+v", st.Name, st.Errors)
		case s == nil || s.TTFT.P95 == nil || s.TPOT.P95 == nil || s.TokensPerS == nil:
			t.Errorf("step %s: stream %+v", st.Name, s)
		case s.TokenSource != "usage" || s.OutputTokens.Min == nil || *s.OutputTokens.Min != 128:
			t.Errorf("step %s: tokens %+v from %q, want 128 from usage", st.Name, s.OutputTokens, s.TokenSource)
		case st.Requests.Goodput == nil || st.Requests.SLOAttainment == nil:
			t.Errorf("step %s: goodput %v attainment %v", st.Name, st.Requests.Goodput, st.Requests.SLOAttainment)
		case st.VLLM == nil || st.VLLM.KVCacheUsage.Max == nil:
			t.Errorf("step %s: vllm %+v", st.Name, st.VLLM)
		case st.GPU != nil && st.GPU.EnergyJ != nil && (st.Efficiency == nil || st.Efficiency.JoulesPerToken == nil):
			t.Errorf("step %s: efficiency %+v", st.Name, st.Efficiency)
		}
	}
}
