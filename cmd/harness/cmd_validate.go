package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the validate command is wired.
func newValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "validate", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("validate: not built yet"))
	}}
}
