package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/sim"
	"github.com/harness-gpu/harness/scenarios"
)

func newDemoCmd(a *app) *cobra.Command {
	var gpu string
	var fast bool
	var o runOutputs
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the demo scenario against the built-in simulated inference server (no GPU needed)",
		Long: `demo starts the simulated Triton-like server (internal/sim) in-process on a free
loopback port and runs the embedded scenarios/demo.hcl against it: the 1-to-200-user
plan, scaled to about 3 minutes (--fast: under one), with the triton and dcgm samplers
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

			name := "demo.hcl"
			if fast {
				name = "demo-fast.hcl"
			}
			src, err := scenarios.FS.ReadFile(name)
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			scn, diags := dsl.LoadBytes("scenarios/"+name, src, dsl.LoadOptions{
				Vars: []string{"backend=" + url},
			})
			if err := a.diagnosticsError(scn, diags); err != nil {
				return err
			}
			if o.out == "" {
				o.out = fmt.Sprintf("results/demo-%s-%s.json", profile.Name, time.Now().UTC().Format("20060102T150405Z"))
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
