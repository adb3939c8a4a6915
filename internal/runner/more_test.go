package runner

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Failures are classified: a server slower than the target timeout is a
// timeout, a closed port is refused.
func TestFailureClasses(t *testing.T) {
	t.Parallel()
	slow := newCountingServer(t, sleepHandler(time.Second))
	for _, tc := range []struct {
		name, url, class string
	}{
		{"timeout", slow.URL, ClassTimeout},
		{"refused", "http://" + closedPort(t) + "/", ClassRefused},
	} {
		s := scenario(tc.url, &dsl.Step{Name: "s", Users: 1, Duration: 400 * time.Millisecond})
		s.Targets[0].Timeout = 150 * time.Millisecond
		st := run(t, context.Background(), s, Options{}).Steps[0]
		if st.Requests.Total == 0 || st.Errors[tc.class].Count != st.Requests.Total || len(st.Errors) != 1 {
			t.Errorf("%s: requests %+v errors %+v", tc.name, st.Requests, st.Errors)
		}
		if tc.class == ClassTimeout && st.Requests.Timeouts != st.Requests.Total {
			t.Errorf("timeouts %d of %d", st.Requests.Timeouts, st.Requests.Total)
		}
	}
}

// The body is sent as bytes with the method and headers; bytes both ways are counted.
func TestBodyAndBytes(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(r.Method + " " + r.Header.Get("Content-Type") + " " + string(b))
		_, _ = io.WriteString(w, "0123456789")
	})
	s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Pace: 100 * time.Millisecond, Duration: 300 * time.Millisecond})
	s.Targets[0].Method, s.Targets[0].Body = "POST", []byte{0xff, 'a', 0x00}
	s.Targets[0].Headers = map[string]string{"Content-Type": "application/octet-stream"}
	st := run(t, context.Background(), s, Options{}).Steps[0]
	if want := "POST application/octet-stream \xffa\x00"; got.Load() != want {
		t.Errorf("server got %q, want %q", got.Load(), want)
	}
	n := st.Requests.Total
	if n == 0 || st.Requests.BytesOut != 3*n || st.Requests.BytesIn != 10*n {
		t.Errorf("requests %+v", st.Requests)
	}
}

// HTTP/2 is used when a TLS server offers it.
func TestHTTP2OverTLS(t *testing.T) {
	t.Parallel()
	var proto atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { proto.Store(int64(r.ProtoMajor)) }))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Pace: 100 * time.Millisecond, Duration: 200 * time.Millisecond})
	s.Targets[0].TLS = &dsl.TLS{InsecureSkipVerify: true}
	var warnings int
	st := run(t, context.Background(), s, Options{Logf: func(string, ...any) { warnings++ }}).Steps[0]
	if st.Requests.OK == 0 || proto.Load() != 2 {
		t.Errorf("ok %d, protocol HTTP/%d", st.Requests.OK, proto.Load())
	}
	if warnings != 1 {
		t.Errorf("%d warnings for insecure_skip_verify, want 1", warnings)
	}
}

// Samplers feed the series, the ticks and the measured window's aggregates.
func TestSamplersAndTicks(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 2, Pace: 100 * time.Millisecond, Duration: 2200 * time.Millisecond})
	fs := &fakeSamplers{}
	var ticks []result.Tick
	f := run(t, context.Background(), s, Options{Samplers: fs, OnTick: func(tk result.Tick) { ticks = append(ticks, tk) }})
	st := f.Steps[0]
	if len(ticks) != 2 || ticks[0].Samples["gpu.temperature"] != 70 || len(ticks[0].Samplers) != 1 || ticks[1].RPS == 0 || ticks[1].Users != 2 {
		t.Errorf("ticks %+v", ticks)
	}
	if st.GPU == nil || st.Samplers["gpu"].Kind != "nvml" || fs.windows.Load() != 1 {
		t.Errorf("aggregates not applied: %+v, %d windows", st.GPU, fs.windows.Load())
	}
	if len(st.Series) == 0 || st.Series[0].Samples["gpu.temperature"] != 70 {
		t.Errorf("series %+v", st.Series)
	}
}

// An open ramp from 0 to 200/s over 2 s then 1 s at 200/s sends the
// integral of the rate: 200 in the ramp, 200 measured.
func TestOpenRampIntegratesRate(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL, &dsl.Step{Name: "ramp", Rate: 200, Ramp: 2 * time.Second, Duration: time.Second})
	st := run(t, context.Background(), s, Options{}).Steps[0]
	if st.RampRequests == nil || !within(st.RampRequests.Total, 200, 0.02) || !within(st.Requests.Total, 200, 0.02) {
		t.Errorf("ramp %+v measured %+v", st.RampRequests, st.Requests)
	}
	if served := srv.served.Load(); served != st.RampRequests.Total+st.Requests.Total {
		t.Errorf("server counted %d", served)
	}
}

// Consecutive closed steps keep their users (and connections): 5 users,
// then a ramp to 10, is 10 connections in all, not 15.
func TestClosedStepsKeepUsers(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	s := scenario(srv.URL,
		&dsl.Step{Name: "five", Users: 5, Pace: 100 * time.Millisecond, Duration: time.Second},
		&dsl.Step{Name: "ten", Users: 10, Ramp: 500 * time.Millisecond, Pace: 100 * time.Millisecond, Duration: time.Second})
	f := run(t, context.Background(), s, Options{})
	srv.mu.Lock()
	conns := len(srv.conns)
	srv.mu.Unlock()
	if conns != 10 {
		t.Errorf("%d connections, want 10", conns)
	}
	a, b := f.Steps[0].Requests.Total, f.Steps[1].Requests.Total
	if !within(a, 50, 0.1) || !within(b, 100, 0.1) || a+b+f.Steps[1].RampRequests.Total != srv.served.Load() {
		t.Errorf("step totals %d, %d (+%d ramp); server %d", a, b, f.Steps[1].RampRequests.Total, srv.served.Load())
	}
}

// A paced user whose responses overrun the pace starts the next request at
// once and counts it late.
func TestPacedLate(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, sleepHandler(150*time.Millisecond))
	s := scenario(srv.URL, &dsl.Step{Name: "late", Users: 1, Pace: 100 * time.Millisecond, Duration: time.Second})
	st := run(t, context.Background(), s, Options{}).Steps[0]
	if st.Requests.Late == 0 || st.Requests.Late < st.Requests.Total-2 {
		t.Errorf("late %d of %d, want nearly all", st.Requests.Late, st.Requests.Total)
	}
	if st.Requests.Total < 5 || st.Requests.Total > 8 {
		t.Errorf("%d requests in 1 s at 150 ms each back to back, want 6 or 7", st.Requests.Total)
	}
}
