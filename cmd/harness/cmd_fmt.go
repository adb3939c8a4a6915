package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the fmt command is wired.
func newFmtCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "fmt", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("fmt: not built yet"))
	}}
}
