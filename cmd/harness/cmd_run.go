package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/harness-gpu/harness/internal/assert"
	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
	"github.com/harness-gpu/harness/internal/sampler"
)

// loadGCPercent is the GC target (GOGC) while the load runs.
const loadGCPercent = 50

// runOutputs says where a run's results go and how much it prints.
type runOutputs struct {
	out   string // results file; "" = results/<scenario>-<UTC>.json
	junit string // JUnit XML; "" = none
	quiet bool   // no live table
}

func newRunCmd(a *app) *cobra.Command {
	var vf varFlags
	var o runOutputs
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a scenario: load, sampling, assertions; exit nonzero on any breach",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scn, err := a.loadScenario(args[0], vf)
			if err != nil {
				return err
			}
			return a.execute(scn, o)
		},
	}
	vf.register(cmd)
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "results file (default results/<scenario>-<UTC time>.json)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "no live table; only the summary")
	return cmd
}

// loadScenario loads a scenario file, printing its diagnostics (warnings
// too). Errors exit 2: nothing is sent.
func (a *app) loadScenario(path string, vf varFlags) (*dsl.Scenario, error) {
	scn, diags := dsl.LoadFile(path, vf.loadOptions(a))
	return scn, a.diagnosticsError(scn, diags)
}

// diagnosticsError prints diags and turns errors into exit 2.
func (a *app) diagnosticsError(scn *dsl.Scenario, diags hcl.Diagnostics) error {
	var files map[string]*hcl.File
	if scn != nil {
		files = scn.Files
	}
	if err := a.writeDiags(files, diags); err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	if diags.HasErrors() {
		return exitcode.Shown(exitcode.Usage)
	}
	return nil
}

// execute runs a loaded scenario end to end and always writes the results
// file, whatever happens after the scenario loaded.
func (a *app) execute(scn *dsl.Scenario, o runOutputs) error {
	p := plan.Build(scn)
	logf := func(format string, args ...any) { fmt.Fprintf(a.stderr, "harness: "+format+"\n", args...) }

	group, err := sampler.NewGroup(scn.Samplers, sampler.Options{})
	if err != nil {
		return exitcode.Wrap(exitcode.Usage, err)
	}
	defer group.Close()

	started := time.Now()
	f, err := a.load(scn, p, group, o.quiet, logf)
	if err != nil {
		f = notRun(scn, p, started, err)
		f.Samplers = group.Infos()
		if werr := a.writeOutputs(f, o); werr != nil {
			logf("%v", werr)
		}
		return err
	}
	f.Environment.GPUs = group.GPUs()
	f.Samplers = group.Infos()
	assert.Evaluate(scn, f)
	return a.finish(f, o)
}

// load checks the preconditions, then sends the load with the samplers
// running. An error means nothing was sent.
func (a *app) load(scn *dsl.Scenario, p plan.Plan, group *sampler.Group, quiet bool, logf func(string, ...any)) (*result.File, error) {
	if err := a.preconditions(a.ctx, scn, group, logf); err != nil {
		return nil, err
	}
	// Samplers outlive the load's context so an interrupted run still gets its
	// last samples; they stop when the load returns.
	sampleCtx, stopSampling := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { group.Run(sampleCtx); close(done) }()
	defer func() { stopSampling(); <-done }()

	// Halve the GC's heap target while the load runs, unless GOGC is set:
	// the engine allocates a few hundred bytes a request, so collecting
	// 2.5× as often cost no measurable CPU or throughput, and 50 users flat
	// out peaked ~1.4 MiB lower (BENCHMARKS.md, "GOGC while loading").
	if a.getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
	}
	watch := assert.NewWatch(scn)
	opts := runner.Options{
		Samplers: group,
		Watch:    func(step result.Step) (bool, string) { return watch.Check(step, time.Now()) },
		Logf:     logf,
		Version:  version,
	}
	if !quiet {
		opts.OnTick = report.NewLive(a.stdout, isTerminal(a.stdout)).Tick
	}
	fmt.Fprintf(a.stdout, "harness: running %q: %d steps, %s\n", scn.Name, len(p.Steps), p.Total)
	return runner.Run(a.ctx, scn, p, opts)
}

// preconditions starts the samplers and waits for the health checks; a
// failure means nothing was sent (exit 3).
func (a *app) preconditions(ctx context.Context, scn *dsl.Scenario, g *sampler.Group, logf func(string, ...any)) error {
	if err := g.Start(ctx); err != nil {
		return exitcode.Wrap(exitcode.Precondition, err)
	}
	if err := runner.CheckHealth(ctx, scn.Health, filepath.Dir(scn.File), logf); err != nil {
		if ctx.Err() != nil {
			return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted during health checks; nothing was sent"))
		}
		return exitcode.Wrap(exitcode.Precondition, err)
	}
	return nil
}

// notRun is the results file of a run that never sent load: every step not
// run, the verdict "error" (or "interrupted") and the reason.
func notRun(scn *dsl.Scenario, p plan.Plan, started time.Time, err error) *result.File {
	f := runner.NewFile(scn, p, version)
	f.StartedAt, f.EndedAt = started, time.Now()
	f.Verdict, f.ExitCode, f.Reason = result.VerdictError, int(exitcode.Of(err)), err.Error()
	if exitcode.Of(err) == exitcode.Interrupted {
		f.Verdict = result.VerdictInterrupted
	}
	return f
}

// finish prints the summary and the assertion matrix, writes the output
// files (even when stdout failed) and turns the verdict into the exit code.
func (a *app) finish(f *result.File, o runOutputs) error {
	err := report.WriteSummary(a.stdout, f)
	if err == nil {
		err = report.WriteMatrix(a.stdout, f, isTerminal(a.stdout) && a.getenv("NO_COLOR") == "")
	}
	if werr := a.writeOutputs(f, o); werr != nil {
		return werr
	}
	if err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	if f.ExitCode != 0 {
		return exitcode.Shown(exitcode.Code(f.ExitCode))
	}
	return nil
}

// writeOutputs writes the results file (always) and the JUnit file (when asked).
func (a *app) writeOutputs(f *result.File, o runOutputs) error {
	path := o.out
	if path == "" {
		path = report.DefaultResultsPath(f.Scenario.Name, f.StartedAt)
	}
	if err := report.WriteResults(path, f); err != nil {
		return exitcode.Wrap(exitcode.Internal, err) // WriteResults says "writing results"
	}
	fmt.Fprintf(a.stdout, "results: %s\n", path)
	if o.junit == "" {
		return nil
	}
	var junit bytes.Buffer
	if err := report.WriteJUnit(&junit, f); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing JUnit: %w", err))
	}
	if err := report.WriteFileAtomic(o.junit, junit.Bytes()); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing JUnit: %w", err))
	}
	fmt.Fprintf(a.stdout, "junit: %s\n", o.junit)
	return nil
}

// isTerminal reports whether w is a terminal, for colour and progress.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
