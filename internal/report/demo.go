package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// DemoIntro is what harness demo's first screen tells: the simulated
// server (Server describes it, with an opening parenthesis the GPU's name
// closes) and where it listens, what the run of Scenario will do by Plan
// and for how long, and where the results go.
type DemoIntro struct {
	Server, GPUName, URL string
	Scenario             *dsl.Scenario
	Plan                 plan.Plan
	Out, JUnit           string // the results file; the JUnit file, "" for none
	Quiet                bool   // no live table
}

// WriteDemoIntro writes the demo's first screen.
func WriteDemoIntro(w io.Writer, d DemoIntro) error {
	scn, p := d.Scenario, d.Plan
	var b strings.Builder
	fmt.Fprintf(&b, "harness demo: %s, on a simulated %s) is listening at %s.\n", d.Server, d.GPUName, d.URL)
	switch {
	case len(p.Searches) > 0 && len(p.Steps) == 0:
		fmt.Fprintf(&b, "It will search for the capacity, at most %s in all:\n", p.WorstTotal())
	case len(p.Searches) > 0:
		fmt.Fprintf(&b, "It will send load to it in %d steps and search for the capacity, at most %s in all:\n", len(p.Steps), p.WorstTotal())
	default:
		fmt.Fprintf(&b, "It will send load to it in %d steps, %s in all:\n", len(p.Steps), p.Total)
	}
	for _, st := range p.Steps {
		level := fmt.Sprintf("%d users", st.Users)
		if st.Users == 1 {
			level = "1 user"
		}
		if st.Model == dsl.Open {
			level = fmt.Sprintf("%g requests/s", st.Rate)
		} else if st.Pace > 0 {
			level += fmt.Sprintf(", each sending a request every %s", st.Pace)
		}
		ramp := ""
		if st.Ramp > 0 {
			ramp = fmt.Sprintf(" after a %s ramp", st.Ramp)
		}
		fmt.Fprintf(&b, "  %-10s %s, measured for %s%s\n", st.Name, level, st.Duration, ramp)
	}
	for _, s := range p.Searches {
		fmt.Fprintf(&b, "  %-10s from %s to at most %s %s, ×%g until a probe breaks a limit, then halving the bracket to %g %%;\n",
			s.Name, result.FormatLevel(s.Config.Start), result.FormatLevel(s.Config.Max), s.Unit, s.Config.Growth, s.Config.Precision*100)
		fmt.Fprintf(&b, "  %-10s each probe measured for %s after a %s ramp, at most %d probes\n", "", s.Duration, s.Ramp, s.WorstProbes)
	}
	var samplers []string
	for _, s := range scn.Samplers {
		samplers = append(samplers, fmt.Sprintf("%s (sampler %s)", demoSamples[s.Kind], s.Name))
	}
	if len(samplers) > 0 {
		fmt.Fprintf(&b, "Meanwhile it reads the server's %s", strings.Join(samplers, " and "))
		if !d.Quiet {
			b.WriteString(": one line a second below")
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "Then it checks %d assertions and writes the results to %s", len(scn.Asserts), d.Out)
	if d.JUnit != "" {
		fmt.Fprintf(&b, " and %s", d.JUnit)
	}
	b.WriteString(".\nCtrl-C stops it early and still writes them.\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// demoSamples says what each kind of sampler reads.
var demoSamples = map[dsl.SamplerKind]string{
	dsl.SamplerTriton:     "Triton metrics",
	dsl.SamplerDCGM:       "GPU metrics",
	dsl.SamplerNVML:       "GPUs through NVML",
	dsl.SamplerPrometheus: "Prometheus series",
	dsl.SamplerVLLM:       "vLLM engine metrics",
}
