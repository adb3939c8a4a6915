package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the report command is wired.
func newReportCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "report", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("report: not built yet"))
	}}
}
