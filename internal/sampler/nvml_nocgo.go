//go:build !cgo

package sampler

import (
	"context"
	"errors"

	"github.com/harness-gpu/harness/internal/dsl"
)

// NVMLInterface is go-nvml's nvml.Interface when built with cgo. go-nvml does
// not compile without cgo, so here it is an empty interface, ignored.
type NVMLInterface = any

// errNoCgo is the start error of every NVML sampler in a build without cgo.
var errNoCgo = errors.New("NVML sampler unavailable: harness was built without cgo (CGO_ENABLED=0)")

// nvmlStub stands in for the NVML sampler when cgo is off: it never starts.
type nvmlStub struct{}

var _ Sampler = nvmlStub{}

func newNVML(*dsl.Sampler, Options) Sampler { return nvmlStub{} }

func (nvmlStub) Start(context.Context) error             { return errNoCgo }
func (nvmlStub) Sample(context.Context) (Reading, error) { return Reading{}, errNoCgo }
func (nvmlStub) Close() error                            { return nil }
