package result

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func f(v float64) *float64 { return &v }

// gpuStep is a step of ok requests over durS seconds, whose GPUs drew the
// given mean powers and used energyJ in total.
func gpuStep(ok int64, durS float64, energyJ *float64, watts ...*float64) Step {
	s := Step{Requests: Requests{OK: ok, Total: ok + 5, Failed: 5}, Measured: Window{DurationS: durS},
		GPU: &GPUStats{EnergyJ: energyJ}}
	for _, w := range watts {
		s.GPUs = append(s.GPUs, GPU{GPUStats: GPUStats{PowerW: Stat{Mean: w}}})
	}
	return s
}

func TestStepEfficiency(t *testing.T) {
	for _, c := range []struct {
		name string
		step Step
		// want: joules_per_request, requests_per_joule, watts_per_rps (nil = unknown)
		jpr, rpj, wpr *float64
	}{
		// 3000 J for 600 ok requests in 10 s; 200 W + 100 W at 60 ok/s.
		{"two GPUs", gpuStep(600, 10, f(3000), f(200), f(100)), f(5), f(0.2), f(5)},
		{"failed requests do not count", gpuStep(100, 10, f(1000), f(100)), f(10), f(0.1), f(10)},
		{"zero ok requests", gpuStep(0, 10, f(3000), f(300)), nil, nil, nil},
		{"energy unknown", gpuStep(600, 10, nil, f(300)), nil, nil, f(5)},
		{"zero energy", gpuStep(600, 10, f(0), f(300)), nil, nil, f(5)},
		{"one GPU's power unknown", gpuStep(600, 10, f(3000), f(300), nil), f(5), f(0.2), nil},
		{"no window", gpuStep(600, 0, f(3000), f(300)), f(5), f(0.2), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := StepEfficiency(c.step)
			if e == nil {
				t.Fatal("nil efficiency for a step with a gpu namespace")
			}
			for _, x := range []struct {
				name      string
				got, want *float64
			}{{"joules_per_request", e.JoulesPerRequest, c.jpr}, {"requests_per_joule", e.RequestsPerJoule, c.rpj},
				{"watts_per_rps", e.WattsPerRPS, c.wpr}, {"joules_per_token", e.JoulesPerToken, nil}, {"tokens_per_joule", e.TokensPerJoule, nil}} {
				if (x.got == nil) != (x.want == nil) || (x.got != nil && math.Abs(*x.got-*x.want) > 1e-12) {
					t.Errorf("%s = %v, want %v", x.name, show(x.got), show(x.want))
				}
			}
		})
	}
	if e := StepEfficiency(Step{Requests: Requests{OK: 10}, Measured: Window{DurationS: 1}}); e != nil {
		t.Errorf("a step without a GPU sampler has efficiency %+v, want none", e)
	}
}

// TestEfficiencyJSON: unknown fields are written as null, not left out.
func TestEfficiencyJSON(t *testing.T) {
	b, err := json.Marshal(StepEfficiency(gpuStep(0, 10, nil)))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"joules_per_request":null,"requests_per_joule":null,"watts_per_rps":null,"joules_per_token":null,"tokens_per_joule":null}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	b, _ = json.Marshal(GPUStats{EnergyJ: f(12.5), EnergySource: "counter"})
	if !strings.Contains(string(b), `"energy_j":12.5,"energy_source":"counter"`) {
		t.Errorf("GPUStats JSON = %s", b)
	}
}

func show(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestStepEfficiencyTokens: a streaming step's tokens give joules_per_token
// and tokens_per_joule from gpu.energy_j; a step with energy but no stream,
// or a stream with no tokens, leaves them unknown.
func TestStepEfficiencyTokens(t *testing.T) {
	for _, c := range []struct {
		name     string
		stream   *Stream
		energy   *float64
		jpt, tpj *float64
	}{
		{"streamed", &Stream{TotalOutputTokens: 12000}, f(3000), f(0.25), f(4)},
		{"no stream", nil, f(3000), nil, nil},
		{"no tokens", &Stream{}, f(3000), nil, nil},
		{"energy unknown", &Stream{TotalOutputTokens: 12000}, nil, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := gpuStep(600, 10, c.energy, f(300))
			s.Stream = c.stream
			e := StepEfficiency(s)
			for _, x := range []struct {
				name      string
				got, want *float64
			}{{"joules_per_token", e.JoulesPerToken, c.jpt}, {"tokens_per_joule", e.TokensPerJoule, c.tpj}} {
				if (x.got == nil) != (x.want == nil) || (x.got != nil && math.Abs(*x.got-*x.want) > 1e-12) {
					t.Errorf("%s = %v, want %v", x.name, show(x.got), show(x.want))
				}
			}
		})
	}
}
