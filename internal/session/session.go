// Package session is one harness run, from a loaded scenario to a results
// file and an exit code: it starts the samplers, waits for the health
// checks, sends the load, evaluates the assertions and writes the outputs.
// cmd/harness parses flags and calls Run; everything between lives here.
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"golang.org/x/term"

	"github.com/harness-gpu/harness/internal/assert"
	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/redact"
	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
	"github.com/harness-gpu/harness/internal/sampler"
)

// loadGCPercent is the GC target (GOGC) while the load runs.
const loadGCPercent = 50

// Options say where a run's outputs go and what it reads from its process.
type Options struct {
	Out   string // results file; "" = results/<scenario>-<UTC>.json; "-" = Stdout
	JUnit string // JUnit XML; "" = none; "-" = Stdout
	Quiet bool   // no live table

	// Stdout gets the live table, the summary and the output paths (all of
	// them go to Stderr when an output is "-"); Stderr the diagnostics; nil
	// discards. A terminal (an *os.File) gets colour and progress.
	Stdout, Stderr io.Writer
	// Getenv reads GOGC, GOMAXPROCS and NO_COLOR; nil reads nothing.
	Getenv  func(string) string
	Version string // harness version for the results file

	// Segment is the part of a split run to send (plan.Split; docs/cli.md,
	// "run --segment"); zero: the whole run. The results file records it.
	Segment plan.Segment
	// StartAt, when set, is when the load begins: after the preconditions
	// the run waits for it (a signal ends the wait, exit 130), so that the
	// segments on several machines start together.
	StartAt time.Time
}

// Run runs scn end to end and returns its results file (nil when the run
// could not be set up at all) and an error whose exitcode.Of is the run's
// exit code (nil: exit 0). A segment of a scenario that cannot be split
// (plan.CheckSplit) is exit 2, and an output path that cannot be written
// exit 4, both before anything is contacted. After that the
// results file is written whatever happens; an error already shown on the
// console carries exitcode.ErrShown.
//
// The values of sensitive variables never leave Run: the results file (and
// the JUnit rendered from it), everything written to Stdout and Stderr and
// the error are redacted (internal/redact), and URL passwords masked.
func Run(ctx context.Context, scn *dsl.Scenario, o Options) (*result.File, error) {
	if err := plan.CheckSplit(scn, o.Segment); err != nil {
		return nil, exitcode.Wrap(exitcode.Usage, err)
	}
	red := redact.ForScenario(scn)
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	stdout, stderr := red.Writer(o.Stdout), red.Writer(o.Stderr)
	defer stdout.Flush()
	defer stderr.Flush()
	s := &session{ctx: ctx, scn: scn, o: o, p: plan.Split(plan.Build(scn), o.Segment), red: red,
		stderr: stderr, console: stdout, tty: isTerminal(o.Stdout)}
	if s.o.Getenv == nil {
		s.o.Getenv = func(string) string { return "" }
	}
	if o.Out == Stdout || o.JUnit == Stdout {
		s.console, s.tty = stderr, isTerminal(o.Stderr)
	}
	if err := s.checkOutputs(); err != nil {
		return nil, red.Error(err)
	}
	f, err := s.run()
	return f, red.Error(err)
}

// session is one Run's state.
type session struct {
	ctx context.Context
	scn *dsl.Scenario
	o   Options
	p   plan.Plan
	red *redact.Redactor
	// stderr is o.Stderr redacted. console gets the live table and the
	// summary: o.Stdout redacted, or stderr when o.Stdout carries an output
	// file; tty says whether it is a terminal.
	stderr, console io.Writer
	tty             bool
}

func (s *session) logf(format string, args ...any) {
	fmt.Fprintf(s.stderr, "harness: "+format+"\n", args...)
}

func (s *session) run() (*result.File, error) {
	group, err := sampler.NewGroup(s.scn.Samplers, sampler.Options{})
	if err != nil {
		return nil, exitcode.Wrap(exitcode.Usage, err)
	}
	defer group.Close()

	started := time.Now()
	f, err := s.load(group)
	if err != nil {
		f = s.notRun(started, err)
		s.markSegment(f)
		f.Samplers = group.Infos()
		s.red.File(f)
		written, werr := s.writeOutputs(f)
		s.printWritten(written)
		if werr != nil {
			s.logf("%v", werr)
		}
		return f, err
	}
	f.Environment.GPUs = group.GPUs()
	f.Samplers = group.Infos()
	s.markSegment(f)
	assert.Evaluate(s.scn, f)
	s.red.File(f)
	return f, s.finish(f)
}

// load checks the preconditions, then sends the load with the samplers
// running. An error means nothing was sent.
func (s *session) load(group *sampler.Group) (*result.File, error) {
	if err := s.preconditions(group); err != nil {
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
	if s.o.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
	}
	// Streams are read with more Go processors than cores, unless
	// GOMAXPROCS is set: runner.MinStreamProcs says why.
	defer runner.ProcsForStreams(s.scn, s.o.Getenv("GOMAXPROCS") != "")()
	watch := assert.NewWatch(s.scn)
	opts := runner.Options{
		Samplers: group,
		Watch:    func(step result.Step) (bool, string) { return watch.Check(step, time.Now()) },
		Logf:     s.logf,
		Version:  s.o.Version,
	}
	if !s.o.Quiet {
		opts.OnTick = report.NewLive(s.console, s.tty).Tick
	}
	late, err := s.waitStart()
	if err != nil {
		return nil, err
	}
	var f *result.File
	if len(s.p.Searches) > 0 {
		fmt.Fprintf(s.console, "harness: running %q: %s, at most %s\n", s.scn.Name, plan.Count(len(s.p.Steps), len(s.p.Searches)), s.p.WorstTotal())
		f, err = s.runWithSearches(opts)
	} else {
		part := ""
		if s.o.Segment.Count != 0 {
			part = ", segment " + s.o.Segment.String()
		}
		fmt.Fprintf(s.console, "harness: running %q%s: %d steps, %s\n", s.scn.Name, part, len(s.p.Steps), s.p.Total)
		f, err = runner.Run(s.ctx, s.scn, s.p, opts)
	}
	if f != nil && !s.o.StartAt.IsZero() {
		at := s.o.StartAt.UTC()
		f.StartAt, f.StartLateS = &at, late.Round(time.Millisecond).Seconds()
		if late >= lateWarning {
			f.AddWarning(fmt.Sprintf("the load began %s after --start-at %s: this part's steps lag the others' by as much", late.Round(time.Millisecond), at.Format(time.RFC3339)))
		}
	}
	return f, err
}

// preconditions starts the samplers and waits for the health checks; a
// failure means nothing was sent (exit 3). A signal during either is an
// interrupt (exit 130), not an unmet precondition.
func (s *session) preconditions(g *sampler.Group) error {
	if err := g.Start(s.ctx); err != nil {
		if s.ctx.Err() != nil {
			return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted while the samplers started; nothing was sent"))
		}
		return exitcode.Wrap(exitcode.Precondition, err)
	}
	if err := runner.CheckHealth(s.ctx, s.scn.Health, s.logf); err != nil {
		if s.ctx.Err() != nil {
			return exitcode.Wrap(exitcode.Interrupted, errors.New("interrupted during health checks; nothing was sent"))
		}
		return exitcode.Wrap(exitcode.Precondition, err)
	}
	return nil
}

// notRun is the results file of a run that never sent load: every step not
// run, the verdict "error" (or "interrupted") and the reason.
func (s *session) notRun(started time.Time, err error) *result.File {
	f := runner.NewFile(s.scn, s.p, s.o.Version)
	f.StartedAt, f.EndedAt = started, time.Now()
	f.Verdict, f.ExitCode, f.Reason = result.VerdictError, int(exitcode.Of(err)), err.Error()
	if exitcode.Of(err) == exitcode.Interrupted {
		f.Verdict = result.VerdictInterrupted
	}
	return f
}

// checkOutputs checks that every output can be written, before anything is
// contacted. A default results path is checked for its directory only: its
// name comes from the time the load starts.
func (s *session) checkOutputs() error {
	if s.o.Out == Stdout && s.o.JUnit == Stdout {
		return exitcode.Wrap(exitcode.Usage, errors.New("--out and --junit cannot both be - (standard output)"))
	}
	out := s.o.Out
	if out == "" {
		out = result.DefaultPath(s.scn.Name, time.Now())
	}
	if err := CheckOutput(out); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing results: %w; nothing was sent", err))
	}
	if s.o.JUnit == "" {
		return nil
	}
	if err := CheckOutput(s.o.JUnit); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing JUnit: %w; nothing was sent", err))
	}
	return nil
}

// finish writes the output files, then prints the summary and the
// assertion matrix, and turns the verdict into the exit code. The summary
// comes last so that it states the final outcome: when an output could not
// be written it says so, with exit 4, instead of the run's verdict.
func (s *session) finish(f *result.File) error {
	written, werr := s.writeOutputs(f)
	shown := f
	if werr != nil {
		failed := *f
		failed.Verdict, failed.ExitCode, failed.Reason = result.VerdictError, int(exitcode.Internal), werr.Error()
		shown = &failed
	}
	err := report.WriteSummary(s.console, shown)
	if err == nil {
		err = report.WriteMatrix(s.console, shown, s.tty && s.o.Getenv("NO_COLOR") == "")
	}
	s.printWritten(written)
	if werr != nil {
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

// writeOutputs writes the results file (always) and the JUnit file (when
// asked), and returns a line for each file written ("results: PATH").
func (s *session) writeOutputs(f *result.File) ([]string, error) {
	path := s.o.Out
	if path == "" {
		path = result.DefaultPath(f.Scenario.Name, f.StartedAt)
	}
	if err := s.write(path, func(w io.Writer) error { return EncodeResults(w, f) }); err != nil {
		return nil, exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing results: %w", err))
	}
	written := []string{"results: " + Display(path)}
	if s.o.JUnit == "" {
		return written, nil
	}
	if err := s.write(s.o.JUnit, func(w io.Writer) error { return report.WriteJUnit(w, f) }); err != nil {
		return written, exitcode.Wrap(exitcode.Internal, fmt.Errorf("writing JUnit: %w", err))
	}
	return append(written, "junit: "+Display(s.o.JUnit)), nil
}

// display is how an output path is named on the console.
// Display is an output path as the console names it: "-" is "- (stdout)".
func Display(path string) string {
	if path == Stdout {
		return "- (stdout)"
	}
	return path
}

// write writes one output: to Stdout for "-" (not through the redacting
// writer: the file is redacted already), else through WriteOutput.
func (s *session) write(path string, write func(io.Writer) error) error {
	return WriteOutputOrStdout(path, s.o.Stdout, write)
}

// WriteOutputOrStdout is WriteOutput, except that the path Stdout ("-")
// writes to stdout.
func WriteOutputOrStdout(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == Stdout {
		return write(stdout)
	}
	return WriteOutput(path, write)
}

func (s *session) printWritten(lines []string) {
	for _, l := range lines {
		fmt.Fprintln(s.console, l)
	}
}

// EncodeResults writes f as the results file (result.Marshal: a value the
// system under test reported as non-finite is written as unknown, never an
// encoding failure).
func EncodeResults(w io.Writer, f *result.File) error {
	data, err := result.Marshal(f)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// isTerminal reports whether w is a terminal, for colour and progress.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
