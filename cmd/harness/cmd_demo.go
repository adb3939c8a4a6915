package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sim"
	"github.com/harness-gpu/harness/scenarios"
)

// demoWorkload is one of the demo's embedded scenarios: its file, the
// prefix of its default results name, the variable that takes the server's
// URL, what the server is (for the first screen), the variables --fast
// sets, other variables it needs, and whether it also loads the model over
// the simulator's gRPC server (its address in the variable grpc).
type demoWorkload struct {
	file, results, urlVar, server string
	fast, vars                    []string
	grpc                          bool
}

// demoWorkloads are the demo's scenarios by --workload: the Triton-like
// image model, or the LLM engine's streaming chat.
var demoWorkloads = map[string]demoWorkload{
	"triton": {file: "demo.hcl", results: "demo-", urlVar: "backend", server: imageServer, fast: fastDemoVars},
	"llm": {file: "llm-demo.hcl", results: "llm-demo-", urlVar: "base", server: "a simulated LLM server (OpenAI-compatible, vLLM-like",
		fast: []string{"baseline=5s", "ramp=2s", "hold=8s"}},
}

// imageServer is how the first screen names the image-model simulator.
const imageServer = "a simulated inference server (Triton-like"

// searchWorkload is --search: the image model's capacity search; its
// probes shrink for --fast.
var searchWorkload = demoWorkload{file: "capacity-search.hcl", results: "demo-search-", urlVar: "backend", server: imageServer,
	fast: []string{"ramp=2s", "probe=4s"}}

// kserveWorkload is --protocol: the model over KServe v2, 1 s ramp + 5 s
// per protocol with --fast.
var kserveWorkload = demoWorkload{file: "kserve.hcl", results: "demo-kserve-", urlVar: "backend", server: imageServer,
	fast: []string{"ramp=1s", "hold=5s"}, grpc: true}

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

// chooseDemo picks the scenario from --workload, --search and --protocol
// (exit 2 for a combination that means nothing): --search and --protocol
// load the image model, so they need --workload triton, and exclude each
// other.
func chooseDemo(workload string, search bool, protocol string) (demoWorkload, error) {
	wl, ok := demoWorkloads[workload]
	switch {
	case !ok:
		return wl, exitcode.Wrap(exitcode.Usage, fmt.Errorf("unknown workload %q (known: triton, llm)", workload))
	case (search || protocol != "") && workload != "triton":
		return wl, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--search and --protocol load the image model; they do not combine with --workload %s", workload))
	case search && protocol != "":
		return wl, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--search and --protocol do not combine: the search loads the model through the backend"))
	case search:
		return searchWorkload, nil
	case protocol != "":
		steps, ok := demoProtocols[protocol]
		if !ok {
			return wl, exitcode.Wrap(exitcode.Usage, fmt.Errorf("--protocol %q: use http, binary, grpc or compare", protocol))
		}
		wl = kserveWorkload
		wl.vars = []string{"protocols=" + steps}
	}
	return wl, nil
}

func newDemoCmd(a *app) *cobra.Command {
	var gpu, workload, protocol string
	var fast, search bool
	var o runOutputs
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the demo scenario against the built-in simulated inference server (no GPU needed)",
		Long: `demo starts the simulated Triton-like server (internal/sim) in-process on a free
loopback port and runs the embedded scenarios/demo.hcl against it: the 1-to-200-user
plan, scaled to about 3 minutes (--fast: 45 s, shorter windows of the same plan), with the triton and dcgm samplers
reading the simulator's /metrics and /dcgm/metrics.

--workload llm runs the embedded scenarios/llm-demo.hcl instead: streaming chat
from the simulator's continuous-batching LLM engine, with TTFT and TPOT
objectives and the vllm and dcgm samplers (about 2 min 30 s).

--search runs the embedded scenarios/capacity-search.hcl instead: a capacity search
that steps the users up until a probe breaks a limit, then bisects, and prints
the capacity at SLO in one sentence (under 4 minutes; run it with --gpu rtx3060
and --gpu rtx5090, then harness diff the two results files).

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
			wl, err := chooseDemo(workload, search, protocol)
			if err != nil {
				return err
			}
			srv, url, err := sim.Start(a.ctx, "127.0.0.1:0", sim.Config{Profile: profile})
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("starting the simulated server: %w", err))
			}
			defer srv.Close()

			shown := url
			vars := append([]string{wl.urlVar + "=" + url}, wl.vars...)
			if wl.grpc {
				grpcURL, err := srv.ServeGRPC("127.0.0.1:0")
				if err != nil {
					return exitcode.Wrap(exitcode.Internal, err)
				}
				vars = append(vars, "grpc="+grpcURL)
				shown += " (gRPC " + grpcURL + ")"
			}
			if fast {
				vars = append(vars, wl.fast...)
			}
			src, err := scenarios.FS.ReadFile(wl.file)
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			scn, diags := dsl.LoadBytes("scenarios/"+wl.file, src, dsl.LoadOptions{Vars: vars})
			if err := a.diagnosticsError(scn, diags); err != nil {
				return err
			}
			if o.out == "" {
				o.out = result.DefaultPath(wl.results+profile.Name, time.Now())
			}
			intro := report.DemoIntro{Server: wl.server, GPUName: profile.GPUName, URL: shown, Scenario: scn, Plan: plan.Build(scn),
				Out: o.out, JUnit: o.junit, Quiet: o.quiet}
			if err := report.WriteDemoIntro(a.stdout, intro); err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			return a.execute(scn, o)
		},
	}
	cmd.Flags().StringVar(&gpu, "gpu", "rtx3060", "simulated GPU profile: rtx3060 or rtx5090")
	cmd.Flags().BoolVar(&fast, "fast", false, "the short demo (under a minute; with --search, shorter probes)")
	cmd.Flags().StringVar(&workload, "workload", "triton", "what the simulated server serves: triton (an image model, scenarios/demo.hcl) or llm (streaming chat, scenarios/llm-demo.hcl)")
	cmd.Flags().BoolVar(&search, "search", false, "run scenarios/capacity-search.hcl instead: the tool finds the highest number of users within the limits (under 4 minutes)")
	cmd.Flags().StringVar(&protocol, "protocol", "", "load the model over KServe v2 instead: http, binary, grpc or compare (all three)")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "results file (default results/demo-<gpu>-<UTC time>.json)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "no live table; only the summary")
	return cmd
}
