package main

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSimServesUntilCancelled runs `harness sim` in process on a free
// loopback port, checks it answers, then cancels it as Ctrl-C would.
func TestSimServesUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	a := &app{stdout: &stdout, stderr: &stderr, ctx: ctx}
	code := make(chan exitcode.Code, 1)
	go func() {
		code <- a.run([]string{"sim", "--gpu", "rtx5090", "--addr", "127.0.0.1:0", "--grpc-addr", "127.0.0.1:0"})
	}()

	urlRE := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no URL printed; stdout %q stderr %q", stdout.String(), stderr.String())
		} else {
			time.Sleep(5 * time.Millisecond)
		}
	}
	for _, path := range []string{"/v2/health/ready", "/health", "/metrics", "/dcgm/metrics"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, resp.StatusCode)
		}
	}
	for _, want := range []string{"rtx5090", "NVIDIA GeForce RTX 5090", "/api/ai-quality", "/dcgm/metrics", "/v2/models/efficient_fiqa/infer", "gRPC grpc://127.0.0.1:", "Ctrl-C"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout.String())
		}
	}
	cancel()
	select {
	case c := <-code:
		if c != exitcode.OK {
			t.Errorf("exit %d after cancel, want 0; stderr %q", c, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop after cancel")
	}
	if _, err := http.Get(url + "/health"); err == nil {
		t.Error("still serving after exit")
	}
}

func TestSimUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"sim", "--gpu", "h100"}, `unknown GPU profile "h100" (known: rtx3060, rtx5090)`},
		{[]string{"sim", "extra"}, "unknown command"},
	} {
		if code, _, stderr := runHarness(t, tc.args...); code != exitcode.Usage || !strings.Contains(stderr, tc.want) {
			t.Errorf("harness %v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}
