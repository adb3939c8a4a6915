package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// blockingServer answers nothing until the test ends (or its client goes
// away), at most 20 s per request; started is closed on the first request.
func blockingServer(t *testing.T) (url string, started <-chan struct{}) {
	t.Helper()
	first := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(first) })
		timer := time.NewTimer(20 * time.Second)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-release:
		case <-r.Context().Done():
		}
	}))
	// Cleanups run last-registered first: release the handlers, then Close,
	// which waits for them.
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.URL, first
}

// A first SIGINT stops new requests and waits for the in-flight ones (here
// blocked for 20 s, within the 30 s target timeout), so the process keeps
// running; a second SIGINT exits at once with 130 (notifyContext in main.go).
//
// The second signal calls os.Exit from the signal goroutine while the
// runner is still draining: no results file is expected then. Writing
// partial results at that point would need the runner's in-progress state
// from outside it, racing the draining goroutines; "exit at once" is the
// contract (issue 3, Signals).
func TestSecondSIGINTExitsAtOnce(t *testing.T) {
	t.Parallel()
	url, started := blockingServer(t)
	file := writeScenario(t, `scenario {
  name = "sigint"
}
target "t" {
  url     = "`+url+`"
  timeout = "30s"
}
step "s" {
  users    = 2
  duration = "30s"
}
`)
	out := filepath.Join(t.TempDir(), "results.json")
	var stderr syncBuffer
	cmd := exec.Command(harnessBinary(t), "run", file, "--quiet", "--out", out)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() }) // harmless once it has exited

	select {
	case <-started:
	case err := <-done:
		t.Fatalf("harness exited before sending a request: %v; stderr:\n%s", err, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the server saw no request in 20 s; stderr:\n%s", stderr.String())
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// Draining takes as long as the blocked requests (20 s): the process
	// must still be there a second later.
	select {
	case err := <-done:
		t.Fatalf("harness exited %v after the first SIGINT, while requests were in flight; stderr:\n%s", err, stderr.String())
	case <-time.After(time.Second):
	}

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("harness still running 5 s after the second SIGINT; stderr:\n%s", stderr.String())
	}
	if code := exitCode(t, err); code != 130 {
		t.Errorf("exit %d, want 130; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "second interrupt") {
		t.Errorf("stderr does not mention the second interrupt:\n%s", stderr.String())
	}
}
