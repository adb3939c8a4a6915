package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the monitor command is wired.
func newMonitorCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "monitor", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("monitor: not built yet"))
	}}
}
