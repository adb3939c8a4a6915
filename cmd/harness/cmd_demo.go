package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sim"
	"github.com/harness-gpu/harness/scenarios"
)

// demoIntro is the demo's first screen: the simulated server, what the run
// will do and for how long, and where the results go.
func demoIntro(w io.Writer, gpuName, url string, scn *dsl.Scenario, p plan.Plan, o runOutputs) error {
	var b strings.Builder
	fmt.Fprintf(&b, "harness demo: a simulated inference server (Triton-like, on a simulated %s) is listening at %s.\n", gpuName, url)
	fmt.Fprintf(&b, "It will send load to it in %d steps, %s in all:\n", len(p.Steps), p.Total)
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
	var samplers []string
	for _, s := range scn.Samplers {
		samplers = append(samplers, fmt.Sprintf("%s (sampler %s)", demoSamples[s.Kind], s.Name))
	}
	if len(samplers) > 0 {
		fmt.Fprintf(&b, "Meanwhile it reads the server's %s", strings.Join(samplers, " and "))
		if !o.quiet {
			b.WriteString(": one line a second below")
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "Then it checks %d assertions and writes the results to %s", len(scn.Asserts), o.out)
	if o.junit != "" {
		fmt.Fprintf(&b, " and %s", o.junit)
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
}

// fastDemoVars shrink demo.hcl's windows for --fast: 5 s + 5 × (2 s ramp +
// 6 s) = 45 s instead of 2 min 45 s, the same plan otherwise.
var fastDemoVars = []string{"baseline=5s", "ramp=2s", "hold=6s"}

// demoProtocols are --protocol's values: the steps of scenarios/kserve.hcl
// each runs. http is KServe v2 REST with JSON tensors, binary the same with
// Triton's binary-data extension.
var demoProtocols = map[string]string{
	"http":    `["http"]`,
	"binary":  `["binary"]`,
	"grpc":    `["grpc"]`,
	"compare": `["http", "binary", "grpc"]`,
}

// fastKServeVars shrink kserve.hcl for --fast: 1 s ramp + 5 s per protocol.
var fastKServeVars = []string{"ramp=1s", "hold=5s"}

// demoScenario picks the demo's scenario and its variables: demo.hcl, or
// kserve.hcl for --protocol, which also serves the simulator's gRPC.
func demoScenario(srv *sim.Server, url, protocol string, fast bool) (name, shown string, vars []string, err error) {
	if protocol == "" {
		vars = []string{"backend=" + url}
		if fast {
			vars = append(vars, fastDemoVars...)
		}
		return "demo.hcl", url, vars, nil
	}
	steps, ok := demoProtocols[protocol]
	if !ok {
		return "", "", nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--protocol %q: use http, binary, grpc or compare", protocol))
	}
	grpcURL, err := srv.ServeGRPC("127.0.0.1:0")
	if err != nil {
		return "", "", nil, exitcode.Wrap(exitcode.Internal, err)
	}
	vars = []string{"backend=" + url, "grpc=" + grpcURL, "protocols=" + steps}
	if fast {
		vars = append(vars, fastKServeVars...)
	}
	return "kserve.hcl", url + " (gRPC " + grpcURL + ")", vars, nil
}

func newDemoCmd(a *app) *cobra.Command {
	var gpu, protocol string
	var fast bool
	var o runOutputs
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the demo scenario against the built-in simulated inference server (no GPU needed)",
		Long: `demo starts the simulated Triton-like server (internal/sim) in-process on a free
loopback port and runs the embedded scenarios/demo.hcl against it: the 1-to-200-user
plan, scaled to about 3 minutes (--fast: 45 s, shorter windows of the same plan), with the triton and dcgm samplers
reading the simulator's /metrics and /dcgm/metrics.

--protocol runs scenarios/kserve.hcl instead: the simulator's model loaded
directly over KServe v2, one step per protocol on the same image and load —
http (REST, JSON tensors), binary (REST, Triton's binary-data extension), grpc,
or compare (all three in turn, about 1 minute; --fast: 18 s).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			profile, err := sim.ProfileByName(gpu)
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			srv, url, err := sim.Start(a.ctx, "127.0.0.1:0", sim.Config{Profile: profile})
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("starting the simulated server: %w", err))
			}
			defer srv.Close()

			name, shown, vars, err := demoScenario(srv, url, protocol, fast)
			if err != nil {
				return err
			}
			src, err := scenarios.FS.ReadFile(name)
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			scn, diags := dsl.LoadBytes("scenarios/"+name, src, dsl.LoadOptions{Vars: vars})
			if err := a.diagnosticsError(scn, diags); err != nil {
				return err
			}
			if o.out == "" {
				o.out = result.DefaultPath("demo-"+profile.Name, time.Now())
			}
			if err := demoIntro(a.stdout, profile.GPUName, shown, scn, plan.Build(scn), o); err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			return a.execute(scn, o)
		},
	}
	cmd.Flags().StringVar(&gpu, "gpu", "rtx3060", "simulated GPU profile: rtx3060 or rtx5090")
	cmd.Flags().BoolVar(&fast, "fast", false, "the short demo (under a minute)")
	cmd.Flags().StringVar(&protocol, "protocol", "", "load the model over KServe v2 instead: http, binary, grpc or compare (all three)")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "results file (default results/demo-<gpu>-<UTC time>.json)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "no live table; only the summary")
	return cmd
}
