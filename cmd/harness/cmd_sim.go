package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the sim command is wired.
func newSimCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "sim", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("sim: not built yet"))
	}}
}
