package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/sampler"
)

// monitorOptions are the flags of `harness monitor`.
type monitorOptions struct {
	nvml     bool
	triton   string
	model    string
	dcgm     string
	interval time.Duration
	duration time.Duration
	vars     varFlags
	format   string
}

func newMonitorCmd(a *app) *cobra.Command {
	var o monitorOptions
	cmd := &cobra.Command{
		Use:   "monitor [FILE]",
		Short: "Show GPU and Triton samplers live, without load (like nvidia-smi dmon)",
		Long: `monitor runs samplers only, no load, and prints one line per interval:
GPU%, Mem%, MemUsed, Temp, Power, Triton requests since the last line, queue
and inference time. Values of a sampler that stopped answering end in '*'
and the line says how old they are: "(dcgm stale 4.2s)". With FILE, the scenario's sampler blocks are used; the
flags add more. With neither, it samples the local GPUs through NVML.
It runs until Ctrl-C or --duration.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMonitor(a, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.nvml, "nvml", false, "sample the local GPUs through NVML")
	f.StringVar(&o.triton, "triton", "", "sample a Triton metrics URL (e.g. http://localhost:8002/metrics)")
	f.StringVar(&o.model, "model", "", "with --triton: only this model (default all, summed)")
	f.StringVar(&o.dcgm, "dcgm", "", "sample a dcgm-exporter URL (e.g. http://gpu-host:9400/metrics)")
	f.DurationVar(&o.interval, "interval", time.Second, "time between lines (and samples of flag-made samplers)")
	f.DurationVar(&o.duration, "duration", 0, "stop after this long (default: until Ctrl-C)")
	o.vars.register(cmd)
	f.StringVar(&o.format, "format", "table", "output format: table or csv")
	return cmd
}

func runMonitor(a *app, o monitorOptions, args []string) error {
	if o.interval <= 0 {
		return exitcode.Wrap(exitcode.Usage, errors.New("--interval must be positive"))
	}
	if o.format != "table" && o.format != "csv" {
		return exitcode.Wrap(exitcode.Usage, fmt.Errorf("--format %q: want table or csv", o.format))
	}
	cfgs, err := monitorSamplers(a, o, args)
	if err != nil {
		return err
	}
	a = a.redacted() // sampler URLs may hold sensitive values and passwords
	g, err := sampler.NewGroup(cfgs, sampler.Options{})
	if err != nil {
		return exitcode.Wrap(exitcode.Usage, err)
	}
	defer g.Close()
	if err := g.Start(a.ctx); err != nil {
		return err
	}
	for _, info := range g.Infos() {
		if !info.Started {
			fmt.Fprintf(a.stderr, "harness: warning: optional sampler %q (%s) did not start: %s\n", info.Name, info.Kind, info.Error)
		}
	}
	ctx := a.ctx
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	if err := printMonitor(ctx, a.stdout, a.stderr, g, o); err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	if a.ctx.Err() != nil {
		return exitcode.Shown(exitcode.Interrupted)
	}
	return nil
}

// printMonitor samples in the background and prints a line per interval
// until ctx is done. Values of a sampler whose data stopped arriving are
// marked stale in the line, and stderr says so once per sampler. Every write
// error on w is returned.
func printMonitor(ctx context.Context, w, stderr io.Writer, g *sampler.Group, o monitorOptions) error {
	runDone := make(chan struct{})
	go func() { defer close(runDone); g.Run(ctx) }()
	defer func() { <-runDone }()
	format := sampler.FormatMonitorLine
	var err error
	if o.format == "csv" {
		format = sampler.FormatMonitorCSV
		_, err = fmt.Fprintln(w, sampler.MonitorCSVHeader)
	} else {
		err = sampler.WriteMonitorHeader(w)
	}
	if err != nil {
		return err
	}
	warned := map[string]bool{}
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			latest, status := g.Latest(), g.Status()
			warnStale(stderr, status, warned)
			if _, err := fmt.Fprintln(w, format(now, latest, status)); err != nil {
				return err
			}
		}
	}
}

// warnStale warns, once per sampler, that a sampler's data stopped
// arriving: its last values would otherwise read as current.
func warnStale(stderr io.Writer, status []result.SamplerStatus, warned map[string]bool) {
	for _, s := range status {
		if !s.Stale() || warned[s.Name] {
			continue
		}
		warned[s.Name] = true
		why := ""
		if s.LastError != "" {
			why = " (" + s.LastError + ")"
		}
		fmt.Fprintf(stderr, "harness: warning: sampler %q (%s) has had no data for %s%s; its values are marked stale (*) until it answers again\n",
			s.Name, s.Kind, sampler.StaleAge(s.NoData), why)
	}
}

// monitorSamplers collects the sampler blocks of FILE plus those the flags
// ask for; with neither, NVML.
func monitorSamplers(a *app, o monitorOptions, args []string) ([]*dsl.Sampler, error) {
	var cfgs []*dsl.Sampler
	if len(args) == 1 {
		sc, err := a.loadScenario(args[0], o.vars)
		if err != nil {
			return nil, err
		}
		cfgs = append(cfgs, sc.Samplers...)
		if len(cfgs) == 0 && !o.nvml && o.triton == "" && o.dcgm == "" {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("%s has no sampler blocks and no --nvml, --triton or --dcgm was given", args[0]))
		}
	} else if len(o.vars.vars) > 0 || len(o.vars.files) > 0 {
		return nil, exitcode.Wrap(exitcode.Usage, errors.New("--var and --var-file need a scenario FILE"))
	}
	flagged := func(kind dsl.SamplerKind, name, url string) *dsl.Sampler {
		return &dsl.Sampler{Kind: kind, Name: uniqueName(cfgs, name), Interval: o.interval, Timeout: o.interval, URL: url}
	}
	if o.nvml || (len(args) == 0 && o.triton == "" && o.dcgm == "") {
		cfgs = append(cfgs, flagged(dsl.SamplerNVML, "nvml", ""))
	}
	if o.triton != "" {
		s := flagged(dsl.SamplerTriton, "triton", o.triton)
		s.Model = o.model
		cfgs = append(cfgs, s)
	}
	if o.dcgm != "" {
		cfgs = append(cfgs, flagged(dsl.SamplerDCGM, "dcgm", o.dcgm))
	}
	return cfgs, nil
}

// uniqueName avoids clashing with a FILE's sampler names.
func uniqueName(cfgs []*dsl.Sampler, name string) string {
	taken := func(n string) bool {
		for _, c := range cfgs {
			if strings.EqualFold(c.Name, n) {
				return true
			}
		}
		return false
	}
	n := name
	for i := 2; taken(n); i++ {
		n = fmt.Sprintf("%s_%d", name, i)
	}
	return n
}
