// Command harness runs declarative capacity tests of GPU inference services.
//
// This package is CLI wiring only: flags, streams and exit codes; a run
// itself is internal/session. Each subcommand lives in its own file
// (cmd_<name>.go) and is listed in newRoot.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/redact"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// app is what every subcommand shares: the streams it writes to, the
// environment it reads, and the context cancelled by the first signal.
type app struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	environ        func() []string
	ctx            context.Context
	// interrupted is closed on the first SIGINT/SIGTERM (ctx is cancelled then
	// too); a second signal exits at once.
	interrupted <-chan struct{}
	// redactor hides the loaded scenario's sensitive values (and URL
	// passwords) in what is printed; nil until a scenario loads.
	redactor *redact.Redactor
}

func main() {
	ctx, interrupted, stop := notifyContext()
	defer stop()
	a := &app{
		stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, environ: os.Environ,
		ctx: ctx, interrupted: interrupted,
	}
	os.Exit(int(a.run(os.Args[1:])))
}

// run executes one command line and returns its exit code. Tests call it in
// process with their own streams.
func (a *app) run(args []string) exitcode.Code {
	if a.ctx == nil {
		a.ctx = context.Background()
	}
	if a.getenv == nil {
		a.getenv = func(string) string { return "" }
	}
	if a.environ == nil {
		a.environ = func() []string { return nil }
	}
	root := newRoot(a)
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(a.ctx)
	if err == nil {
		return exitcode.OK
	}
	var ce *exitcode.Error
	if !errors.As(err, &ce) {
		// cobra's own errors (unknown flag, wrong argument count) are usage errors.
		fmt.Fprintf(a.stderr, "harness: %v\nRun 'harness --help' for usage.\n", err)
		return exitcode.Usage
	}
	if !errors.Is(err, exitcode.ErrShown) {
		fmt.Fprintf(a.stderr, "harness: %v\n", a.redactor.String(err.Error()))
	}
	return exitcode.Of(err)
}

// redacted is a copy of a whose stdout and stderr pass through a.redactor,
// for a command that prints what it reads from a scenario's URLs.
func (a *app) redacted() *app {
	c := *a
	c.stdout, c.stderr = a.redactor.Writer(a.stdout), a.redactor.Writer(a.stderr)
	return &c
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "harness",
		Short: "Declarative capacity tests for GPU inference services",
		Long: `harness runs a capacity plan written as an HCL scenario: load steps, GPU and
Triton sampling, and pass/fail assertions. It exits nonzero on any breach.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newRunCmd(a),
		newValidateCmd(a),
		newPlanCmd(a),
		newFmtCmd(a),
		newMonitorCmd(a),
		newDemoCmd(a),
		newSimCmd(a),
		newDiffCmd(a),
		newReportCmd(a),
		newMergeCmd(a),
		newK8sCmd(a),
		newVersionCmd(a),
	)
	return root
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the harness version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(a.stdout, "harness %s\n", version)
			return err
		},
	}
}

// notifyContext returns a context cancelled by the first SIGINT or SIGTERM, a
// channel closed at that moment, and exits the process on the second signal.
func notifyContext() (context.Context, <-chan struct{}, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	interrupted := make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		close(interrupted)
		cancel()
		<-sigs
		fmt.Fprintln(os.Stderr, "harness: second interrupt, exiting now")
		os.Exit(int(exitcode.Interrupted))
	}()
	return ctx, interrupted, func() { signal.Stop(sigs); cancel() }
}
