// Package report renders a run: the results file, the live console, the
// end-of-run summary (and, in other files, JUnit and the step matrix).
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// DefaultResultsPath is results/<scenario>-<UTC 20060102T150405Z>.json. The
// scenario name is made safe for a file name (path separators and spaces
// become '-').
func DefaultResultsPath(scenarioName string, t time.Time) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == ' ' || r == ':' || r < 0x20:
			return '-'
		}
		return r
	}, scenarioName)
	if name == "" {
		name = "scenario"
	}
	return filepath.Join("results", name+"-"+t.UTC().Format("20060102T150405Z")+".json")
}

// WriteResults writes f as indented JSON to path atomically: a temporary
// file in the same directory, fsynced, then renamed over path, so a reader
// (or a crash) never sees half a file. It creates the directory.
func WriteResults(path string, f *result.File) (err error) {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}
