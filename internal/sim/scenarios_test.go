package sim

import (
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

// TestDemoScenariosLoad loads the demo scenario as `harness demo` and
// `harness demo --fast` will (backend and, for --fast, shorter windows set on
// the command line) and checks their plans: the 1-to-200 user levels, about
// three minutes, or under one, and every endpoint on the sim.
func TestDemoScenariosLoad(t *testing.T) {
	const backend = "http://127.0.0.1:45678"
	for _, tc := range []struct {
		name     string
		vars     []string
		min, max time.Duration
	}{
		{"demo", nil, 150 * time.Second, 200 * time.Second},
		{"demo --fast", []string{"baseline=5s", "ramp=2s", "hold=6s"}, 30 * time.Second, 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := dsl.LoadFile("../../scenarios/demo.hcl", dsl.LoadOptions{
				Vars:    append([]string{"backend=" + backend}, tc.vars...),
				Environ: func() []string { return nil },
			})
			if len(diags) > 0 {
				t.Fatalf("diagnostics: %v", diags)
			}
			p := plan.Build(s)
			if p.Total < tc.min || p.Total > tc.max {
				t.Errorf("total %v, want %v..%v", p.Total, tc.min, tc.max)
			}
			var users []int
			for _, st := range p.Steps {
				users = append(users, st.Users)
			}
			if want := []int{1, 10, 25, 50, 100, 200}; len(users) != len(want) || users[5] != 200 || users[0] != 1 {
				t.Errorf("user levels %v, want %v", users, want)
			}
			if last := p.Steps[len(p.Steps)-1]; last.ExpectedRPS != 100 {
				t.Errorf("last step expects %v req/s, want 100", last.ExpectedRPS)
			}
			want := map[string]string{"triton": backend + "/metrics", "dcgm": backend + "/dcgm/metrics"}
			for _, sm := range s.Samplers {
				if sm.URL != want[string(sm.Kind)] {
					t.Errorf("sampler %s %s: url %q", sm.Kind, sm.Name, sm.URL)
				}
			}
			if len(s.Samplers) != 2 || s.Targets[0].URL != backend+"/api/ai-quality" {
				t.Errorf("samplers %d, target %q", len(s.Samplers), s.Targets[0].URL)
			}
		})
	}
}

// TestLLMDemoScenarioLoads loads scenarios/llm-demo.hcl as `harness demo
// --workload llm [--fast]` will: under 4 minutes (under 1 with --fast), its
// endpoints on the sim.
func TestLLMDemoScenarioLoads(t *testing.T) {
	const base = "http://127.0.0.1:45678"
	for _, tc := range []struct {
		name string
		vars []string
		max  time.Duration
	}{
		{"llm", nil, 4 * time.Minute},
		{"llm --fast", []string{"baseline=5s", "ramp=2s", "hold=8s"}, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, diags := dsl.LoadFile("../../scenarios/llm-demo.hcl", dsl.LoadOptions{
				Vars: append([]string{"base=" + base}, tc.vars...), Environ: func() []string { return nil },
			})
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			if p := plan.Build(s); p.Total > tc.max {
				t.Errorf("total %v, want under %v", p.Total, tc.max)
			}
			tg := s.Targets[0]
			if tg.URL != base+"/v1/chat/completions" || tg.Stream == nil || tg.SLO == nil {
				t.Errorf("target %+v", tg)
			}
			want := map[string]string{"vllm": base + "/vllm/metrics", "dcgm": base + "/dcgm/metrics"}
			for _, sm := range s.Samplers {
				if sm.URL != want[string(sm.Kind)] {
					t.Errorf("sampler %s %s: url %q", sm.Kind, sm.Name, sm.URL)
				}
			}
		})
	}
}
