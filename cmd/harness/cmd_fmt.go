package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/aymanbagabas/go-udiff"
	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// fmtStdinName is how standard input ("-") is named in listings and diagnostics.
const fmtStdinName = "<stdin>"

func newFmtCmd(a *app) *cobra.Command {
	var f fmtRun
	cmd := &cobra.Command{
		Use:   "fmt [--check] [--diff] FILE…",
		Short: "Rewrite scenario files in the canonical format",
		Long: `fmt rewrites each scenario file in place in the canonical HCL layout
(hclwrite's indentation and alignment, single blank lines) and prints the name of
each file it changed. A directory stands for the *.hcl files in it; "-" reads
standard input and writes the result to standard output.

  --check  write nothing; list the files that need formatting and exit 1 if any
  --diff   write nothing; print a unified diff of the changes instead

A file that does not parse is reported as path:line:col diagnostics (exit 2) and
left alone.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.stdout, f.stderr, f.stdin = a.stdout, a.stderr, cmd.InOrStdin()
			return f.run(args)
		},
	}
	cmd.Flags().BoolVar(&f.check, "check", false, "list files that need formatting and exit 1 if any; write nothing")
	cmd.Flags().BoolVar(&f.diff, "diff", false, "print a unified diff of the changes; write nothing")
	return cmd
}

// fmtRun is one `harness fmt` invocation. The worst outcome over all files
// decides the exit code: an output error (4) over a file that could not be
// read or parsed (2) over a file that --check found unformatted (1).
type fmtRun struct {
	check, diff    bool
	stdout, stderr io.Writer
	stdin          io.Reader

	broken, unformatted, writeFailed bool
}

func (f *fmtRun) run(args []string) error {
	paths, err := f.expand(args)
	if err != nil {
		return err
	}
	for _, p := range paths {
		if err := f.file(p); err != nil {
			// Only a failed write to our own output streams stops the run.
			return exitcode.Wrap(exitcode.Internal, err)
		}
	}
	switch {
	case f.writeFailed:
		return exitcode.Shown(exitcode.Internal)
	case f.broken:
		return exitcode.Shown(exitcode.Usage)
	case f.check && f.unformatted:
		return exitcode.Shown(exitcode.Failed)
	}
	return nil
}

// expand replaces each directory argument by the *.hcl files in it, sorted.
func (f *fmtRun) expand(args []string) ([]string, error) {
	var paths []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if arg == "-" || err != nil || !st.IsDir() {
			paths = append(paths, arg) // a missing file is reported by file()
			continue
		}
		entries, err := os.ReadDir(arg) // sorted by name
		if err != nil {
			return nil, exitcode.Wrap(exitcode.Usage, err)
		}
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
				paths = append(paths, filepath.Join(arg, e.Name()))
			}
		}
	}
	return paths, nil
}

// file formats one path (or stdin) and reports it. The returned error is a
// failed write to stdout or stderr; problems with the file itself are
// recorded on f and printed.
func (f *fmtRun) file(path string) error {
	name, src, err := f.read(path)
	if err != nil {
		f.broken = true
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // "x.hcl: error: no such file or directory", not "open x.hcl: …"
		}
		_, werr := fmt.Fprintf(f.stderr, "%s: error: %v\n", name, err)
		return werr
	}
	out, diags := dsl.FormatFile(name, src)
	if diags.HasErrors() {
		f.broken = true
		// The same path:line:col rendering as validate, for editors and CI.
		return dsl.WriteDiagnostics(f.stderr, map[string]*hcl.File{name: {Bytes: src}}, diags, false)
	}
	changed := !bytes.Equal(out, src)
	switch {
	case f.check || f.diff:
		if changed && f.check {
			f.unformatted = true
			if _, err := fmt.Fprintln(f.stdout, name); err != nil {
				return err
			}
		}
		if changed && f.diff {
			_, err := io.WriteString(f.stdout, textDiff(name, src, out))
			return err
		}
	case path == "-":
		_, err := f.stdout.Write(out)
		return err
	case changed:
		if err := replaceFileContents(path, out); err != nil {
			f.writeFailed = true
			_, werr := fmt.Fprintf(f.stderr, "%s: error: %v\n", name, err)
			return werr
		}
		_, err := fmt.Fprintln(f.stdout, name)
		return err
	}
	return nil
}

func (f *fmtRun) read(path string) (string, []byte, error) {
	if path == "-" {
		// One byte past the limit, so FormatFile can say it is too large
		// without fmt reading an endless stream.
		src, err := io.ReadAll(io.LimitReader(f.stdin, dsl.MaxScenarioSize+1))
		return fmtStdinName, src, err
	}
	src, err := dsl.ReadScenario(path)
	return path, src, err
}

// replaceFileContents replaces path's contents atomically (a temporary file
// and a rename: result.ReplaceFile), so an interrupted fmt never leaves half
// a scenario, and keeps the file's permission bits. A symlink is followed,
// not replaced.
func replaceFileContents(path string, data []byte) error {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(target)
	if err != nil {
		return err
	}
	perm := st.Mode().Perm()
	return result.ReplaceFile(target, data, perm)
}

// textDiff renders the change from a to b as a unified diff (the form
// diff -u, git and patch use), through go-udiff, a maintained export of the
// Myers diff gopls uses.
func textDiff(name string, a, b []byte) string {
	return udiff.Unified(name, name+" (formatted)", string(a), string(b))
}
