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

	"github.com/google/renameio/v2"

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

// WriteResults writes f as indented JSON to path atomically (renameio: a
// temporary file, fsynced, then renamed over path), so a reader or a crash
// never sees half a file. It creates the directory.
func WriteResults(path string, f *result.File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding results: %w", err)
	}
	if err := WriteFileAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// WriteFileAtomic writes data to path through renameio (temporary file,
// fsync, rename) with mode 0644, creating path's directory first. Every
// output harness writes (results, JUnit, HTML reports) goes through it.
func WriteFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return renameio.WriteFile(path, data, 0o644)
}
