package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sim"
	"github.com/harness-gpu/harness/scenarios"
)

// fastDemoVars shrink demo.hcl's windows for --fast: 5 s + 5 × (2 s ramp +
// 6 s) = 45 s instead of 2 min 45 s, the same plan otherwise.
var fastDemoVars = []string{"baseline=5s", "ramp=2s", "hold=6s"}

func newDemoCmd(a *app) *cobra.Command {
	var gpu string
	var fast bool
	var o runOutputs
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the demo scenario against the built-in simulated inference server (no GPU needed)",
		Long: `demo starts the simulated Triton-like server (internal/sim) in-process on a free
loopback port and runs the embedded scenarios/demo.hcl against it: the 1-to-200-user
plan, scaled to about 3 minutes (--fast: 45 s, shorter windows of the same plan), with the triton and dcgm samplers
reading the simulator's /metrics and /dcgm/metrics.`,
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
			fmt.Fprintf(a.stdout, "harness demo: simulated %s at %s\n", profile.GPUName, url)

			const name = "demo.hcl"
			src, err := scenarios.FS.ReadFile(name)
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			vars := []string{"backend=" + url}
			if fast {
				vars = append(vars, fastDemoVars...)
			}
			scn, diags := dsl.LoadBytes("scenarios/"+name, src, dsl.LoadOptions{Vars: vars})
			if err := a.diagnosticsError(scn, diags); err != nil {
				return err
			}
			if o.out == "" {
				o.out = result.DefaultPath("demo-"+profile.Name, time.Now())
			}
			return a.execute(scn, o)
		},
	}
	cmd.Flags().StringVar(&gpu, "gpu", "rtx3060", "simulated GPU profile: rtx3060 or rtx5090")
	cmd.Flags().BoolVar(&fast, "fast", false, "the short demo (under a minute)")
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "results file (default results/demo-<gpu>-<UTC time>.json)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "no live table; only the summary")
	return cmd
}
