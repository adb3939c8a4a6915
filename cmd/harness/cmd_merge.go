package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/merge"
	"github.com/harness-gpu/harness/internal/redact"
	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/session"
)

func newMergeCmd(a *app) *cobra.Command {
	var vf varFlags
	var out, junit, scenario string
	var partial bool
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "merge PART.json… --out results.json",
		Short: "Merge the results of a split run (run --segment) into one, re-evaluating the assertions",
		Long: `merge combines the partial results files of harness run --segment I/N into
the results file one process running the whole scenario would have written:
counts summed, latency histograms merged (exact percentiles), per-second series
summed, sampler readings taken once. It re-evaluates the scenario's assertions
over the merged windows and exits as that single run would. The scenario is
read from the path the parts recorded (or --scenario) and must be the same file;
their variables are reused, sensitive ones must be given again with --var.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("merge: --out FILE is required"))
			}
			args, err := a.waitForParts(args, wait, partial)
			if err != nil {
				return err
			}
			parts := make([]merge.Part, len(args))
			for i, p := range args {
				f, err := result.ReadFile(p)
				if err != nil {
					return exitcode.Wrap(exitcode.Usage, err)
				}
				parts[i] = merge.Part{Name: p, File: f}
			}
			f, err := merge.Merge(parts, merge.Options{Partial: partial})
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("merge: %w", err))
			}
			if scenario == "" {
				scenario = f.Scenario.File
			}
			opts := vf.loadOptions(a)
			opts.Vars = append(merge.RecordedVars(f), opts.Vars...)
			scn, diags := dsl.LoadFile(scenario, opts)
			if scn != nil {
				// As run's loadScenario: an error printed from here on hides
				// the scenario's sensitive values.
				a.redactor = redact.ForScenario(scn)
			}
			if err := a.diagnosticsError(scn, diags); err != nil {
				fmt.Fprintf(a.stderr, "harness: merge: the assertions are re-evaluated from the scenario %s; give it with --scenario and any sensitive variable with --var\n", scenario)
				return err
			}
			if err := merge.Evaluate(scn, f); err != nil {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("merge: %w", err))
			}
			a.redactor.File(f)
			return a.writeMerged(f, out, junit)
		},
	}
	vf.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "", "the merged results file (required)")
	cmd.Flags().StringVar(&junit, "junit", "", "also write a JUnit XML report of the merged assertions")
	cmd.Flags().StringVar(&scenario, "scenario", "", "the scenario file the parts ran (default: the path they recorded)")
	cmd.Flags().BoolVar(&partial, "partial", false, "merge even when segments are missing (the results say which)")
	cmd.Flags().DurationVar(&wait, "wait", 0, "wait up to this long for every PART file to appear (they are written whole, by rename), e.g. in a Kubernetes merge Job")
	return cmd
}

// waitForParts waits until every path exists, at most limit (0: no wait),
// and returns the paths to merge: all of them, or with partial those that
// appeared in time. Results files appear whole (written to a temporary
// file and renamed), so a file that exists is complete. A signal ends the
// wait (exit 130).
func (a *app) waitForParts(paths []string, limit time.Duration, partial bool) ([]string, error) {
	if limit <= 0 {
		return paths, nil
	}
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var missing []string
		for _, p := range paths {
			if _, err := os.Stat(p); err != nil {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			return paths, nil
		}
		if time.Now().After(deadline) {
			if partial && len(missing) < len(paths) {
				return slices.DeleteFunc(slices.Clone(paths), func(p string) bool { return slices.Contains(missing, p) }), nil
			}
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("merge: after waiting %s, still no %s", limit, strings.Join(missing, ", ")))
		}
		select {
		case <-tick.C:
		case <-a.ctx.Done():
			return nil, exitcode.Wrap(exitcode.Interrupted, fmt.Errorf("merge: interrupted while waiting for %s", strings.Join(missing, ", ")))
		}
	}
}

// writeMerged writes the merged results (and JUnit), prints the summary
// and the assertion matrix, and returns the exit code of the merged verdict.
// As with run, an output "-" goes to standard output and the console to
// standard error.
func (a *app) writeMerged(f *result.File, out, junit string) error {
	if out == session.Stdout && junit == session.Stdout {
		return exitcode.Wrap(exitcode.Usage, fmt.Errorf("merge: --out and --junit cannot both be - (standard output)"))
	}
	console := a.stdout
	if out == session.Stdout || junit == session.Stdout {
		console = a.stderr
	}
	if err := session.WriteOutputOrStdout(out, a.stdout, func(w io.Writer) error { return session.EncodeResults(w, f) }); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing results: %w", err))
	}
	if junit != "" {
		if err := session.WriteOutputOrStdout(junit, a.stdout, func(w io.Writer) error { return report.WriteJUnit(w, f) }); err != nil {
			return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing JUnit: %w", err))
		}
	}
	fmt.Fprintf(console, "harness: merged %d of %d segments of %q\n", len(f.Merge.Parts), f.Merge.Count, f.Scenario.Name)
	for _, n := range f.Merge.Notes {
		fmt.Fprintf(console, "harness: %s\n", n)
	}
	if err := report.WriteSummary(console, f); err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	if err := report.WriteMatrix(console, f, false); err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	fmt.Fprintf(console, "results: %s\n", session.Display(out))
	if junit != "" {
		fmt.Fprintf(console, "junit: %s\n", session.Display(junit))
	}
	if f.ExitCode != 0 {
		return exitcode.Shown(exitcode.Code(f.ExitCode))
	}
	return nil
}
