package main

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/redact"
	"github.com/harness-gpu/harness/internal/session"
)

// runOutputs says where a run's results go and how much it prints (the
// flags of run and demo; session.Options has the details).
type runOutputs struct {
	out   string // results file; "" = results/<scenario>-<UTC>.json
	junit string // JUnit XML; "" = none
	quiet bool   // no live table

	segment plan.Segment // run --segment; zero: the whole run
	startAt time.Time    // run --start-at; zero: at once
}

func newRunCmd(a *app) *cobra.Command {
	var vf varFlags
	var o runOutputs
	var split splitFlags
	cmd := &cobra.Command{
		Use:   "run FILE",
		Short: "Run a scenario: load, sampling, assertions; exit nonzero on any breach",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.segment, o.startAt, err = split.parse(time.Now()); err != nil {
				return err
			}
			scn, err := a.loadScenario(args[0], vf)
			if err != nil {
				return err
			}
			return a.execute(scn, o)
		},
	}
	vf.register(cmd)
	split.register(cmd)
	cmd.Flags().StringVarP(&o.out, "out", "o", "", "results file, - for stdout (default results/<scenario>-<UTC time>.json)")
	cmd.Flags().StringVar(&o.junit, "junit", "", "also write a JUnit XML report to this file (- for stdout)")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "no live table; only the summary")
	return cmd
}

// loadScenario loads a scenario file, printing its diagnostics (warnings
// too), and makes its sensitive values a.redactor's. Errors exit 2:
// nothing is sent.
func (a *app) loadScenario(path string, vf varFlags) (*dsl.Scenario, error) {
	scn, diags := dsl.LoadFile(path, vf.loadOptions(a))
	if scn != nil {
		a.redactor = redact.ForScenario(scn)
	}
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

// execute runs a loaded scenario end to end (internal/session); the
// results file is written whatever happens after the scenario loaded.
func (a *app) execute(scn *dsl.Scenario, o runOutputs) error {
	_, err := session.Run(a.ctx, scn, session.Options{
		Out: o.out, JUnit: o.junit, Quiet: o.quiet,
		Stdout: a.stdout, Stderr: a.stderr, Getenv: a.getenv, Version: version,
		Segment: o.segment, StartAt: o.startAt,
	})
	return err
}
