package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the diff command is wired.
func newDiffCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "diff", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("diff: not built yet"))
	}}
}
