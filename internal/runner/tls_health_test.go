package runner

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// A self-signed server is trusted through ca_file with verification on, and
// refused (class tls) without it.
func TestTLSCAFile(t *testing.T) {
	t.Parallel()
	var served atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		tls  *dsl.TLS
		ok   bool
	}{
		{"with ca_file", &dsl.TLS{CAFile: filepath.Join(dir, "cert.pem")}, true}, // absolute, as the loader makes it
		{"without", nil, false},
	} {
		s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Pace: 100 * time.Millisecond, Duration: 500 * time.Millisecond})
		s.File = filepath.Join(dir, "scenario.hcl")
		s.Targets[0].TLS = tc.tls
		f := run(t, context.Background(), s, Options{})
		st := f.Steps[0]
		if tc.ok && (st.Requests.OK == 0 || st.Requests.Failed != 0) {
			t.Errorf("%s: %+v %v", tc.name, st.Requests, st.Errors)
		}
		if !tc.ok && (st.Requests.OK != 0 || st.Errors[ClassTLS].Count != st.Requests.Total) {
			t.Errorf("%s: want every request failed as tls: %+v %v", tc.name, st.Requests, st.Errors)
		}
	}
	if served.Load() == 0 {
		t.Errorf("the TLS server served nothing")
	}
}

// A ca_file that can't be read stops Run before anything is sent, as a usage error.
func TestTLSMissingCAFile(t *testing.T) {
	s := scenario("https://127.0.0.1:1", &dsl.Step{Name: "s", Users: 1, Duration: time.Second})
	s.Targets[0].TLS = &dsl.TLS{CAFile: filepath.Join(t.TempDir(), "missing.pem")}
	_, err := Run(context.Background(), s, buildPlan(s), Options{})
	if exitcode.Of(err) != exitcode.Usage {
		t.Fatalf("err = %v (code %d), want a usage error", err, exitcode.Of(err))
	}
}

// insecure_skip_verify works only when written, and warns.
func TestTLSInsecureWarns(t *testing.T) {
	var warned int
	cfg, err := tlsConfig(&dsl.TLS{InsecureSkipVerify: true}, "target \"t\"", func(string, ...any) { warned++ })
	if err != nil || !cfg.InsecureSkipVerify || warned != 1 {
		t.Fatalf("cfg %+v err %v warnings %d", cfg, err, warned)
	}
}

func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A health check on a closed port fails with exitcode.Precondition, naming
// the check and URL, and the load's server never sees a request.
func TestHealthClosedPort(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, nil)
	url := "http://" + closedPort(t) + "/health"
	checks := []*dsl.Health{{Name: "backend", URL: url, Timeout: 400 * time.Millisecond, Interval: 50 * time.Millisecond}}
	err := CheckHealth(context.Background(), checks, nil)
	if exitcode.Of(err) != exitcode.Precondition {
		t.Fatalf("err = %v, want a precondition failure", err)
	}
	var ee *exitcode.Error
	if !errors.As(err, &ee) || !contains(err.Error(), "backend", url, "refused") {
		t.Errorf("message %q should name the check, URL and last error", err)
	}
	if err == nil {
		s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Duration: time.Second})
		run(t, context.Background(), s, Options{})
	}
	if n := srv.served.Load(); n != 0 {
		t.Errorf("the target served %d requests", n)
	}
}

// A check passes once the server answers an expected status; a wrong status
// keeps it waiting until the timeout and is named in the error.
func TestHealthStatus(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	ok := []*dsl.Health{{Name: "up", URL: srv.URL, Timeout: 2 * time.Second, Interval: 20 * time.Millisecond}}
	if err := CheckHealth(context.Background(), ok, nil); err != nil {
		t.Fatalf("healthy after 3 polls: %v", err)
	}
	bad := []*dsl.Health{{Name: "teapot", URL: srv.URL, Status: []int{418}, Timeout: 200 * time.Millisecond, Interval: 20 * time.Millisecond}}
	err := CheckHealth(context.Background(), bad, nil)
	if exitcode.Of(err) != exitcode.Precondition || !contains(err.Error(), "teapot", "status 200") {
		t.Errorf("err = %v", err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !stringsContains(s, sub) {
			return false
		}
	}
	return true
}
