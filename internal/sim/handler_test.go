package sim

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestQualityBadRequests(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile()})
	tests := []struct {
		name, body, wantErr string
	}{
		{"malformed JSON", `{"image": `, "invalid JSON body"},
		{"not an object", `[1,2]`, "invalid JSON body"},
		{"trailing data", `{"image":"aGk="} {}`, "trailing data"},
		{"missing image", `{"img":"x"}`, `missing field "image"`},
		{"bad base64", `{"image":"***"}`, "not valid base64"},
		{"not an image", `{"image":"aGVsbG8gd29ybGQ="}`, "cannot decode image"},
		{"empty body", ``, "invalid JSON body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", []byte(tt.body))
			var e struct{ Error string }
			if err := json.Unmarshal(r.body, &e); err != nil || r.status != http.StatusBadRequest ||
				!strings.Contains(e.Error, tt.wantErr) || r.header.Get("Content-Type") != "application/json" {
				t.Errorf("POST %q = %d %s, want 400 with error containing %q", tt.body, r.status, r.body, tt.wantErr)
			}
		})
	}
}

func TestQualityAnswers(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile()})
	body := jpegBody(t, 352, 352)
	var first qualityResponse
	for i := range 2 {
		r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", body)
		var q qualityResponse
		if r.status != http.StatusOK || json.Unmarshal(r.body, &q) != nil {
			t.Fatalf("POST = %d %s", r.status, r.body)
		}
		if q.QualityScore <= 0 || q.QualityScore > 1 || q.InferenceTimeMs <= 0 || q.QueueTimeMs < 0 {
			t.Errorf("implausible answer %+v", q)
		}
		if i == 0 {
			first = q
		} else if q.QualityScore != first.QualityScore {
			t.Errorf("score not deterministic: %v then %v", first.QualityScore, q.QualityScore)
		}
	}
}

func TestWrongMethod(t *testing.T) {
	_, ts := newTestServer(t, Config{Profile: fastProfile()})
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodGet, "/api/ai-quality", "POST"},
		{http.MethodPost, "/v2/health/ready", "GET"},
		{http.MethodPut, "/metrics", "GET"},
		{http.MethodDelete, "/dcgm/metrics", "GET"},
		{http.MethodPost, "/health", "GET"},
	} {
		r := do(t, c.method, ts.URL+c.path, nil)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != c.allow || !strings.Contains(string(r.body), `"error"`) {
			t.Errorf("%s %s = %d Allow=%q %s, want 405", c.method, c.path, r.status, r.header.Get("Allow"), r.body)
		}
	}
}

// TestQueueFullIs503Rejected stalls the scheduler so that the queue fills,
// then checks the 503 and Triton's REJECTED counter.
func TestQueueFullIs503Rejected(t *testing.T) {
	p := fastProfile()
	p.MaxQueue = 1
	s, ts := newTestServer(t, Config{Profile: p, Faults: Faults{Stall: time.Hour}})
	body := jpegBody(t, 64, 64)
	var wg sync.WaitGroup
	wg.Add(1)
	var held reply
	go func() {
		defer wg.Done()
		var err error
		if held, err = doErr(http.MethodPost, ts.URL+"/api/ai-quality", body); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, func() bool { return s.b.pending() == 1 })
	r := do(t, http.MethodPost, ts.URL+"/api/ai-quality", body)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "queue") {
		t.Errorf("POST on a full queue = %d %s, want 503", r.status, r.body)
	}
	fams, _ := scrape(t, ts.URL+"/metrics")
	if v := value(t, fams, "nv_inference_request_failure", map[string]string{"reason": "REJECTED"}); v != 1 {
		t.Errorf("REJECTED = %v, want 1", v)
	}
	if v := value(t, fams, "nv_inference_pending_request_count", nil); v != 1 {
		t.Errorf("pending = %v, want 1", v)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if held.status != http.StatusServiceUnavailable {
		t.Errorf("queued request at Close = %d %s, want 503", held.status, held.body)
	}
}

// waitFor polls cond (a goroutine's progress we cannot be told about).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
