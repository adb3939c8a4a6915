// Package golden compares test output with files under testdata/, and
// rewrites those files when the test binary runs with -update:
//
//	go test ./internal/report -update
//
// Every package's golden tests share this one flag and one comparison, so
// the failure message (a unified diff) and the refresh command are the same
// everywhere. Only tests import it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/aymanbagabas/go-udiff"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/ instead of comparing")

// Updating reports whether the test binary runs with -update, for tests that
// regenerate files Check does not cover.
func Updating() bool { return *update }

// Check compares got with the golden file at path. With -update it writes got
// to path (creating its directory) instead, and the test passes.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (rewrite it with go test -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the output (rerun with -update if the change is intended):\n%s",
			path, udiff.Unified(path, "got", string(want), string(got)))
	}
}
