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
