package dsl

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestDecodeStepShape checks what arrival, burstiness, pace_jitter and seed
// decode into, defaults included.
func TestDecodeStepShape(t *testing.T) {
	type shape struct {
		Arrival    Arrival
		Burstiness float64
		PaceJitter float64
		Seed       uint64
	}
	tests := []struct {
		name, step string
		want       shape
	}{
		{"open default", `rate = 10`, shape{ArrivalUniform, 0, 0, DefaultSeed}},
		{"uniform", `rate = 10
  arrival = "uniform"`, shape{ArrivalUniform, 0, 0, DefaultSeed}},
		{"poisson seeded", `rate = 10
  arrival = "poisson"
  seed = 42`, shape{ArrivalPoisson, 0, 0, 42}},
		{"gamma default burstiness", `rate = 10
  arrival = "gamma"`, shape{ArrivalGamma, 1, 0, DefaultSeed}},
		{"gamma", `rate = 10
  arrival = "gamma"
  burstiness = 0.25`, shape{ArrivalGamma, 0.25, 0, DefaultSeed}},
		{"gamma at the floor", `rate = 10
  arrival = "gamma"
  burstiness = 0.01`, shape{ArrivalGamma, 0.01, 0, DefaultSeed}},
		{"seed 0", `rate = 10
  arrival = "poisson"
  seed = 0`, shape{ArrivalPoisson, 0, 0, 0}},
		{"largest seed", `rate = 10
  arrival = "poisson"
  seed = 18446744073709551615`, shape{ArrivalPoisson, 0, 0, 18446744073709551615}},
		{"closed default", `users = 10
  pace = "2s"`, shape{"", 0, 0, DefaultSeed}},
		{"jittered", `users = 10
  pace = "2s"
  pace_jitter = 0.1
  seed = 7`, shape{"", 0, 0.1, 7}},
		{"jitter bounds", `users = 10
  pace = "2s"
  pace_jitter = 0.5`, shape{"", 0, 0.5, DefaultSeed}},
		{"jitter zero", `users = 10
  pace = "2s"
  pace_jitter = 0`, shape{"", 0, 0, DefaultSeed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustLoad(t, base+"step \"s\" {\n  "+tc.step+"\n  duration = \"10s\"\n}\n", LoadOptions{})
			st := s.Steps[0]
			got := shape{st.Arrival, st.Burstiness, st.PaceJitter, st.Seed}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("step {%s} (-want +got):\n%s", tc.step, diff)
			}
		})
	}
}

// TestStepShapeErrors checks each misuse yields exactly one error, on the
// attribute, that says what to do.
func TestStepShapeErrors(t *testing.T) {
	tests := []struct {
		name, step, attr, want string
	}{
		{"arrival on users", `users = 10
  arrival = "poisson"`, "arrival", "arrival shapes an open (rate) step's arrivals"},
		{"unknown arrival", `rate = 10
  arrival = "poison"`, "arrival", `arrival = "poison": use "uniform" (evenly spaced), "poisson" (independent arrivals) or "gamma" (burstiness sets how bursty). Did you mean "poisson"?`},
		{"unknown arrival with burstiness", `rate = 10
  arrival = "gama"
  burstiness = 0.5`, "arrival", `Did you mean "gamma"?`},
		{"arrival not a string", `rate = 10
  arrival = ["poisson"]`, "arrival", "Inappropriate value for arrival"},
		{"burstiness without arrival", `rate = 10
  burstiness = 0.5`, "burstiness", `set arrival = "gamma" (on a rate step), or remove burstiness.`},
		{"burstiness with poisson", `rate = 10
  arrival = "poisson"
  burstiness = 0.5`, "burstiness", `set arrival = "gamma"`},
		{"burstiness on users", `users = 10
  burstiness = 0.5`, "burstiness", `set arrival = "gamma"`},
		{"burstiness zero", `rate = 10
  arrival = "gamma"
  burstiness = 0`, "burstiness", "burstiness = 0: use a number of at least 0.01"},
		{"burstiness below floor", `rate = 10
  arrival = "gamma"
  burstiness = 0.001`, "burstiness", "burstiness = 0.001: use a number of at least 0.01"},
		{"burstiness negative", `rate = 10
  arrival = "gamma"
  burstiness = -1`, "burstiness", "burstiness = -1: use a number of at least 0.01"},
		{"burstiness infinite", `rate = 10
  arrival = "gamma"
  burstiness = 1e400`, "burstiness", "use a number of at least 0.01"},
		{"jitter without pace", `users = 10
  pace_jitter = 0.1`, "pace_jitter", "set pace on this step, or remove pace_jitter."},
		{"jitter with think", `users = 10
  think = "1s"
  pace_jitter = 0.1`, "pace_jitter", "set pace on this step"},
		{"jitter on rate", `rate = 10
  pace_jitter = 0.1`, "pace_jitter", "an open (rate) step sets its randomness with arrival"},
		{"jitter too large", `users = 10
  pace = "2s"
  pace_jitter = 0.6`, "pace_jitter", "pace_jitter = 0.6: use a fraction from 0 to 0.5"},
		{"jitter negative", `users = 10
  pace = "2s"
  pace_jitter = -0.1`, "pace_jitter", "pace_jitter = -0.1: use a fraction from 0 to 0.5"},
		{"seed fraction", `rate = 10
  seed = 1.5`, "seed", "seed must be a whole number; got 1.5."},
		{"seed negative", `rate = 10
  seed = -1`, "seed", "seed = -1: use a whole number from 0 to 18446744073709551615."},
		{"seed too large", `rate = 10
  seed = 18446744073709551616`, "seed", "use a whole number from 0 to 18446744073709551615."},
		{"seed a string", `rate = 10
  seed = "x"`, "seed", "Inappropriate value for seed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := base + "step \"s\" {\n  " + tc.step + "\n  duration = \"10s\"\n}\n"
			s, diags := LoadBytes("t.hcl", []byte(src), LoadOptions{Environ: noEnv})
			if len(diags) != 1 || !diags.HasErrors() || !strings.Contains(diags[0].Detail, tc.want) {
				t.Fatalf("step {%s}:\n%s\nwant exactly one error containing %q", tc.step, renderDiags(s, diags), tc.want)
			}
			// The error points at the attribute's value, on its own line.
			line := strings.Split(src, "\n")[diags[0].Subject.Start.Line-1]
			if !strings.HasPrefix(strings.TrimSpace(line), tc.attr+" ") {
				t.Errorf("error on line %q, want the %s attribute", line, tc.attr)
			}
		})
	}
}

// TestDynamicStepShape: a generated step carries its shape attributes.
func TestDynamicStepShape(t *testing.T) {
	s := mustLoad(t, base+`
dynamic "step" {
  for_each = [0.25, 1]
  iterator = b
  labels   = ["b_${b.value}"]
  content {
    rate       = 20
    arrival    = "gamma"
    burstiness = b.value
    seed       = 9
    duration   = "1m"
  }
}
dynamic "step" {
  for_each = [0.1]
  iterator = j
  labels   = ["jitter"]
  content {
    users       = 10
    pace        = "2s"
    pace_jitter = j.value
    duration    = "1m"
  }
}`, LoadOptions{})
	want := []*Step{
		{Name: "b_0.25", Target: "api", Model: Open, Rate: 20, Arrival: ArrivalGamma, Burstiness: 0.25, Seed: 9, Duration: time.Minute},
		{Name: "b_1", Target: "api", Model: Open, Rate: 20, Arrival: ArrivalGamma, Burstiness: 1, Seed: 9, Duration: time.Minute},
		{Name: "jitter", Target: "api", Model: Closed, Users: 10, Pace: 2 * time.Second, PaceJitter: 0.1, Seed: DefaultSeed, Duration: time.Minute},
	}
	if diff := cmp.Diff(want, s.Steps, cmpIgnoreRanges()); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
}
