package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/sim"
)

// The protocol comparison end to end: scenarios/kserve.hcl, the scenario
// behind `harness demo --protocol`, loads the simulator's model over REST
// JSON, REST binary and gRPC; every protocol gets answers from the same
// model (the same score) through the same Triton batcher.
func TestKServeProtocolsEndToEnd(t *testing.T) {
	p, err := sim.ProfileByName("rtx5090")
	if err != nil {
		t.Fatal(err)
	}
	srv, url, err := sim.Start(t.Context(), "127.0.0.1:0", sim.Config{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	grpcURL, err := srv.ServeGRPC("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "results.json")
	code, stdout, stderr := runHarness(t, "run", "../../scenarios/kserve.hcl", "--var", "backend="+url, "--var", "grpc="+grpcURL,
		"--var", "hold=1s", "--var", "ramp=0s", "--var", "users=2", "--quiet", "--out", out)
	if code != exitcode.OK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	f := readResults(t, out)
	if len(f.Steps) != 3 {
		t.Fatalf("%d steps, want http, binary, grpc", len(f.Steps))
	}
	var score float64
	var ok int64
	for i, st := range f.Steps {
		ok += st.Requests.OK
		if want := []string{"http", "binary", "grpc"}[i]; st.Name != want || st.Target != want {
			t.Errorf("step %d is %q on %q, want %q", i, st.Name, st.Target, want)
		}
		ex := st.Extract["score"]
		if st.Requests.OK == 0 || len(st.Errors) > 0 || ex.Count != st.Requests.OK || ex.Min == nil || *ex.Min != *ex.Max {
			t.Fatalf("step %s: %d ok, errors %v, score %+v", st.Name, st.Requests.OK, st.Errors, ex)
		}
		if i == 0 {
			score = *ex.Min
		} else if *ex.Min != score || score <= 0 {
			t.Errorf("step %s: score %v, want %v as over http", st.Name, *ex.Min, score)
		}
		if st.Requests.BytesOut == 0 {
			t.Errorf("step %s: no bytes out", st.Name)
		}
	}
	// Every answer went through the one batcher: Triton counted them all
	// (in-flight requests at a step's end are in neither count).
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`(?m)^nv_inference_request_success\{[^}]*\} (\d+)$`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no success counter in\n%s", page)
	}
	if n, _ := strconv.ParseInt(string(m[1]), 10, 64); n < ok {
		t.Errorf("Triton counted %d successes, the steps %d", n, ok)
	}
	if f.Steps[0].Requests.BytesOut/f.Steps[0].Requests.OK <= 2*(f.Steps[1].Requests.BytesOut/f.Steps[1].Requests.OK) {
		t.Errorf("a JSON request should be well over twice a binary one: %d vs %d bytes out",
			f.Steps[0].Requests.BytesOut/f.Steps[0].Requests.OK, f.Steps[1].Requests.BytesOut/f.Steps[1].Requests.OK)
	}
}

func TestDemoProtocolUsage(t *testing.T) {
	code, _, stderr := runHarness(t, "demo", "--protocol", "carrier-pigeon")
	if code != exitcode.Usage || !strings.Contains(stderr, "use http, binary, grpc or compare") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
