//go:build !cgo

package sampler

import (
	"context"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
)

func TestNVMLWithoutCgo(t *testing.T) {
	err := newNVML(&dsl.Sampler{}, Options{}).Start(context.Background())
	if err == nil || err.Error() != "NVML sampler unavailable: harness was built without cgo (CGO_ENABLED=0)" {
		t.Errorf("Start = %v", err)
	}
}
