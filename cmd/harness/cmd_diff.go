package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/diff"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// diffFormats maps --format to its renderer.
var diffFormats = map[string]func(io.Writer, *diff.Report) error{
	"text":     diff.WriteText,
	"markdown": diff.WriteMarkdown,
	"json":     diff.WriteJSON,
}

func newDiffCmd(a *app) *cobra.Command {
	var format, threshold, failOn string
	cmd := &cobra.Command{
		Use:   "diff BASE.json NEW.json",
		Short: "Compare two results files step by step, metric by metric, assertion by assertion",
		Long: `diff compares a base results file with a new one (for instance the same plan on
a new GPU). Steps are matched by name. Latency percentiles come from each step's
HDR histogram. A change is marked improved or regressed when its relative size
is beyond --threshold, a percentage: "5%" and "5" both mean 5%.

With --fail-on regression, diff exits 1 when any metric regressed beyond the
threshold or any assertion went from pass to fail (or error), else 0.
Unreadable, malformed or foreign files exit 2.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, ok := diffFormats[format]
			if !ok {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("unknown --format %q: want text, markdown or json", format))
			}
			t, err := diff.ParseThreshold(threshold)
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			if failOn != "" && failOn != "regression" {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("unknown --fail-on %q: the only value is \"regression\"", failOn))
			}
			base, err := result.ReadFile(args[0])
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			cur, err := result.ReadFile(args[1])
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			r := diff.Compare(args[0], base, args[1], cur, t)
			if err := render(a.stdout, r); err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing the diff: %w", err))
			}
			if failOn == "regression" && r.Regressed() {
				return exitcode.Shown(exitcode.Failed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, markdown or json")
	cmd.Flags().StringVar(&threshold, "threshold", "5%", `relative change that counts, as a percentage ("5%" or "5")`)
	cmd.Flags().StringVar(&failOn, "fail-on", "", `"regression": exit 1 on a regression beyond the threshold or an assertion that broke`)
	return cmd
}
