package main

import (
	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/report"
)

func newPlanCmd(a *app) *cobra.Command {
	var vf varFlags
	var segment string
	cmd := &cobra.Command{
		Use:   "plan FILE",
		Short: "Print the expanded steps, expected load and total time, without sending anything",
		Long: `plan loads a scenario and prints its steps in run order, dynamic steps expanded:
model, level, ramp, measured duration, start offset, expected req/s and
requests, then the total wall time. It is the schedule run will follow.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			seg, err := parseSegmentFlag(segment)
			if err != nil {
				return err
			}
			s, diags := dsl.LoadFile(args[0], vf.loadOptions(a))
			if err := a.diagnosticsError(s, diags); err != nil {
				return err
			}
			// The split run refuses what it cannot split: so does its plan.
			if err := plan.CheckSplit(s, seg); err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			if err := report.WritePlan(a.stdout, s, plan.Split(plan.Build(s), seg)); err != nil {
				return exitcode.Wrap(exitcode.Internal, err)
			}
			return nil
		},
	}
	vf.register(cmd)
	cmd.Flags().StringVar(&segment, "segment", "", "print part I of N of every step, as run --segment I/N sends it")
	return cmd
}
