package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// varFlags are the --var and --var-file options shared by every command that
// loads a scenario.
type varFlags struct {
	vars, files []string
}

func (v *varFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&v.vars, "var", nil, "set a variable: --var name=value (repeatable; wins over every other source)")
	cmd.Flags().StringArrayVar(&v.files, "var-file", nil, "read variables from an HCL file of name = value lines (repeatable)")
}

// loadOptions builds dsl.LoadOptions from the flags and the app's environment.
// Lookups go through a.environ so that an empty variable still counts as set.
func (v *varFlags) loadOptions(a *app) dsl.LoadOptions {
	return dsl.LoadOptions{
		Vars:     v.vars,
		VarFiles: v.files,
		Environ:  a.environ,
		Getenv: func(name string) (string, bool) {
			for _, kv := range a.environ() {
				if k, val, ok := strings.Cut(kv, "="); ok && k == name {
					return val, true
				}
			}
			return "", false
		},
	}
}

// stderrIsTerminal decides colour: only a terminal gets ANSI codes, so
// tests, pipes and CI logs never do.
func (a *app) stderrIsTerminal() bool {
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeDiags prints diagnostics to stderr in compiler style.
func (a *app) writeDiags(files map[string]*hcl.File, diags hcl.Diagnostics) error {
	if len(diags) == 0 {
		return nil
	}
	return dsl.WriteDiagnostics(a.stderr, files, diags, a.stderrIsTerminal())
}

func newValidateCmd(a *app) *cobra.Command {
	var vf varFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check scenario files without sending anything",
		Long: `validate parses and checks each scenario file as run would, and sends nothing.
It prints "FILE: ok" for a valid file; otherwise each problem as
file:line:col: error: summary, with the source line and how to fix it.
Warnings are printed but do not fail. Exit status 2 when any file has an error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				return validateJSON(a, args, vf.loadOptions(a))
			}
			return validateText(a, args, vf.loadOptions(a))
		},
	}
	vf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object of all diagnostics on stdout, for tools")
	return cmd
}

func validateText(a *app, paths []string, opts dsl.LoadOptions) error {
	failed := false
	for _, path := range paths {
		s, diags := dsl.LoadFile(path, opts)
		if err := a.writeDiags(s.Files, diags); err != nil {
			return exitcode.Wrap(exitcode.Internal, err)
		}
		if diags.HasErrors() {
			failed = true
			continue
		}
		if _, err := fmt.Fprintf(a.stdout, "%s: ok\n", path); err != nil {
			return exitcode.Wrap(exitcode.Internal, err)
		}
	}
	if failed {
		return exitcode.Shown(exitcode.Usage)
	}
	return nil
}

// validateJSON writes one object covering every file's diagnostics.
func validateJSON(a *app, paths []string, opts dsl.LoadOptions) error {
	files := map[string]*hcl.File{}
	var all hcl.Diagnostics
	for _, path := range paths {
		s, diags := dsl.LoadFile(path, opts)
		for name, f := range s.Files {
			files[name] = f
		}
		all = append(all, diags...)
	}
	if err := dsl.WriteDiagnosticsJSON(a.stdout, files, all); err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	if all.HasErrors() {
		return exitcode.Shown(exitcode.Usage)
	}
	return nil
}
