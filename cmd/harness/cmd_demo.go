package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// TODO(integration): placeholder until the demo command is wired.
func newDemoCmd(a *app) *cobra.Command {
	return &cobra.Command{Use: "demo", Hidden: true, RunE: func(*cobra.Command, []string) error {
		return exitcode.Wrap(exitcode.Internal, errors.New("demo: not built yet"))
	}}
}
