package runner

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// countingServer counts what it serves, the independent count the runner's
// numbers are checked against.
type countingServer struct {
	*httptest.Server
	served   atomic.Int64
	inFlight atomic.Int64
	maxSeen  atomic.Int64
	conns    atomic.Int64 // new connections
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	return newCountingServerConfig(t, h, nil)
}

// newCountingServerConfig is newCountingServer with config applied to the
// http.Server before it starts.
func newCountingServerConfig(t *testing.T, h http.HandlerFunc, config func(*http.Server)) *countingServer {
	t.Helper()
	cs := &countingServer{}
	cs.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raiseMax(&cs.maxSeen, cs.inFlight.Add(1))
		defer cs.inFlight.Add(-1)
		cs.served.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	cs.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			cs.conns.Add(1)
		}
	}
	if config != nil {
		config(cs.Config)
	}
	cs.Start()
	t.Cleanup(cs.Close)
	return cs
}

// raiseMax makes m at least n: a high-water mark kept by concurrent handlers.
func raiseMax(m *atomic.Int64, n int64) {
	for {
		cur := m.Load()
		if n <= cur || m.CompareAndSwap(cur, n) {
			return
		}
	}
}

func sleepHandler(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
	}
}

// scenario builds a one-target scenario literal around steps.
func scenario(url string, steps ...*dsl.Step) *dsl.Scenario {
	for _, s := range steps {
		s.Target = "t"
		if s.Model == "" {
			s.Model = dsl.Closed
			if s.Rate > 0 {
				s.Model = dsl.Open
			}
		}
	}
	return &dsl.Scenario{
		Name:    "test",
		File:    "test.hcl",
		Targets: []*dsl.Target{{Name: "t", Method: "GET", URL: url, Timeout: 5 * time.Second}},
		Steps:   steps,
	}
}

func within(got, want int64, frac float64) bool {
	d := float64(got - want)
	return d <= frac*float64(want) && -d <= frac*float64(want)
}

func buildPlan(s *dsl.Scenario) plan.Plan { return plan.Build(s) }

// fakeSamplers is a Samplers with fixed values.
type fakeSamplers struct {
	windows atomic.Int64
}

func (f *fakeSamplers) Window(start, end time.Time) result.Aggregates {
	f.windows.Add(1)
	return result.Aggregates{
		Samplers: map[string]result.SamplerWindow{"gpu": {Kind: "nvml", Samples: 2}},
		GPU:      &result.GPUStats{},
	}
}
func (f *fakeSamplers) Latest() map[string]float64 { return map[string]float64{"gpu.temperature": 70} }
func (f *fakeSamplers) SampleNow(context.Context)  {}
func (f *fakeSamplers) Status() []result.SamplerStatus {
	return []result.SamplerStatus{{Name: "gpu", Kind: "nvml", Started: true}}
}
