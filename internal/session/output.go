package session

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/harness-gpu/harness/internal/result"
)

// Stdout is the output path that means standard output.
const Stdout = "-"

// WriteOutput writes one output file with write. A path that does not exist
// yet or is a regular file is written atomically (a temporary file beside
// it, fsynced, renamed over it; its directory is created), so a reader or a
// crash never sees half a file. A path that exists and is not a regular file
// (a device such as /dev/null, a FIFO, a symlink such as /dev/stdout) is
// opened and written through, never replaced: renaming over it would
// replace the device or the link itself. Errors name path, never the
// temporary file.
func WriteOutput(path string, write func(io.Writer) error) error {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("%s is a directory", path)
		}
		return writeThrough(path, write)
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return userPath(path, result.WriteFileAtomic(path, buf.Bytes()))
}

// writeThrough opens path (following a symlink) and writes to it in place.
func writeThrough(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return userPath(path, err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return userPath(path, err)
}

// CheckOutput reports, before anything runs, whether WriteOutput could write
// path: its directory exists or can be created and takes a new file (tried
// with a file created and removed at once), path is not a directory, and a
// special file opens for writing (a FIFO is not opened: that would wait for
// a reader). "-" (standard output) always can.
func CheckOutput(path string) error {
	if path == Stdout {
		return nil
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return checkDir(path)
	case err != nil:
		return userPath(path, err)
	case fi.Mode().IsRegular():
		return checkDir(path)
	}
	target, err := os.Stat(path)
	switch {
	case err != nil:
		return nil // a dangling symlink: the write creates its target
	case target.IsDir():
		return fmt.Errorf("%s is a directory", path)
	case target.Mode()&fs.ModeNamedPipe != 0:
		return nil // opening a FIFO waits for its reader
	}
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return userPath(path, err)
	}
	return f.Close()
}

// checkDir creates path's directory if needed and checks that a file can be
// created in it, as the atomic write will.
func checkDir(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return userPath(path, err)
	}
	probe, err := os.CreateTemp(dir, ".harness-check-*")
	if err != nil {
		return userPath(path, err)
	}
	name := probe.Name()
	probe.Close()
	return os.Remove(name)
}

// userPath rewrites a file-system error to name path, the output the user
// asked for, rather than a temporary file or a directory on the way to it.
func userPath(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pe):
		return fmt.Errorf("%s: %w", path, pe.Err)
	case errors.As(err, &le):
		return fmt.Errorf("%s: %w", path, le.Err)
	}
	return fmt.Errorf("%s: %w", path, err)
}
