package sampler

import (
	"context"
	"net/http"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// Sampler is one source of readings. Start checks that the source answers
// (a sampler that cannot start fails the run before any load unless it is
// optional); Sample takes one reading and must honour ctx's deadline where it
// can (NVML calls cannot be interrupted: the Group guards against those);
// Close releases what Start acquired.
type Sampler interface {
	Start(ctx context.Context) error
	Sample(ctx context.Context) (Reading, error)
	Close() error
}

// class says how a point is aggregated over a window.
type class uint8

const (
	// classGPU is a GPU gauge; Entity is the GPU's UUID and Field one of the
	// gpu* field names below.
	classGPU class = iota
	// classGauge is a gauge already summed over its label sets at scrape time
	// (instants of different series can be summed; windows of them cannot).
	classGauge
	// classCounter is one counter series; Entity is its label set, because
	// resets must be found per series before series are summed.
	classCounter
)

// GPU field names (Point.Field for classGPU), in the units of docs/conditions.md.
const (
	fUtil       = "utilization"        // %
	fMemUtil    = "memory_utilization" // %
	fMemUsed    = "memory_used_mib"
	fMemTotal   = "memory_total_mib"
	fTemp       = "temperature" // °C
	fPower      = "power_w"
	fSMClock    = "sm_clock_mhz"
	fClockEvent = "clock_event_reasons" // NVML bitmask, ORed over a window
)

// Point is one value of a reading.
type Point struct {
	Class  class
	Field  string
	Entity string
	Value  float64
}

// Reading is what one sample yields. GPUs carries the identity of the GPUs
// seen (name, UUID, index, driver, memory); it may be nil when unchanged.
type Reading struct {
	Points []Point
	GPUs   []result.GPUInfo
}

func (r *Reading) gpu(uuid, field string, v float64) {
	r.Points = append(r.Points, Point{Class: classGPU, Field: field, Entity: uuid, Value: v})
}

// Options are the Group's dependencies; zero values mean the real ones.
type Options struct {
	// NVML is the NVML library; nil means nvml.New(). Tests inject go-nvml's
	// mock. Without cgo the type is an empty interface and is ignored.
	NVML NVMLInterface
	// HTTPClient scrapes the HTTP samplers; nil means a default client. Each
	// request also carries the sample's deadline.
	HTTPClient *http.Client
	// Now stamps readings; nil means time.Now.
	Now func() time.Time
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) client() *http.Client {
	if o.HTTPClient != nil {
		return o.HTTPClient
	}
	return defaultClient
}

// defaultClient has no overall timeout: every scrape carries its own deadline.
var defaultClient = &http.Client{Transport: http.DefaultTransport}
