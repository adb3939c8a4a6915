package sampler

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fixture reads a file of shared/fixtures. The shared folder sits beside the
// repository (../shared from the repository root, ../../../shared from this
// package), so it is looked for in every ancestor of the package directory.
// A missing fixture fails the test: the fixtures are ground truth.
func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "fixtures", rel)
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Fatalf("fixture shared/fixtures/%s not found in any ancestor of %s: clone the shared folder beside the repository (../shared)", rel, dir)
	return nil
}

// t0 is the base of injected timestamps.
var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func mustParse(t testing.TB, body []byte) []sample {
	t.Helper()
	ss, err := parseExposition(body, "text/plain; version=0.0.4")
	if err != nil {
		t.Fatalf("parseExposition: %v", err)
	}
	return ss
}
