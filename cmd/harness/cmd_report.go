package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/htmlreport"
	"github.com/harness-gpu/harness/internal/redact"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/session"
)

func newReportCmd(a *app) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report RESULTS.json… -o report.html",
		Short: "Write one self-contained HTML page with charts from results files",
		Long: `report writes one HTML file (inline CSS and SVG charts, no scripts, nothing
fetched when viewed): the capacity curve with its knee, latency percentiles per
step, time series of requests, latency, GPU and Triton metrics with the steps
shaded, the assertion matrix and the environment. With two or more results
files the charts overlay them; the first is the base.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitcode.Wrap(exitcode.Usage, errors.New("report: -o FILE is required"))
			}
			var inputs []htmlreport.Input
			for _, p := range args {
				f, err := result.ReadFile(p)
				if err != nil {
					return exitcode.Wrap(exitcode.Usage, err)
				}
				redact.New().File(f) // URL passwords in a file from elsewhere
				inputs = append(inputs, htmlreport.Input{Path: p, Label: htmlreport.LabelFor(p, f), File: f})
			}
			var buf bytes.Buffer
			if err := htmlreport.Write(&buf, inputs, time.Now()); err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("report: %w", err))
			}
			write := func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err }
			if err := session.WriteOutput(out, write); err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("report: %w", err))
			}
			_, err := fmt.Fprintf(a.stderr, "report written to %s (%d KiB)\n", out, (buf.Len()+1023)/1024)
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "the HTML file to write (required)")
	return cmd
}
