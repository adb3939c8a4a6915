package sampler

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// fixture reads a real capture from testdata/fixtures; each file has a
// .source.md beside it that says where it came from. A missing fixture fails
// the test: the fixtures are ground truth.
func fixture(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
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

// startGroup is a started group of the given samplers, closed when the test
// ends.
func startGroup(t testing.TB, opts Options, cs ...*dsl.Sampler) *Group {
	t.Helper()
	g, err := NewGroup(cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if err := g.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return g
}
