package streamtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestServerKeepsItsSchedule: a stream comes as the schedule says (role
// chunk, Tokens token chunks, usage, [DONE]); the records hold what was
// emitted, leaving out each connection's first stream; a bad schedule is
// a 400.
func TestServerKeepsItsSchedule(t *testing.T) {
	s := &Server{}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/stream", s)
	mux.HandleFunc("/stream/records", s.RecordsHandler)
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux, ConnContext: s.ConnContext}}
	hs.Start()
	defer hs.Close()

	sched := Schedule{First: 30 * time.Millisecond, Every: 10 * time.Millisecond, Tokens: 3}
	if sched.Length() != 50*time.Millisecond {
		t.Errorf("length %v, want 50ms", sched.Length())
	}
	c := hs.Client() // one keep-alive connection for both streams
	for i := range 2 {
		start := time.Now()
		resp, err := c.Post(hs.URL+"/stream?"+sched.Query(), "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if n := strings.Count(string(body), `"content":"t"`); n != 3 || !strings.HasSuffix(string(body), "data: [DONE]\n\n") ||
			!strings.Contains(string(body), `"completion_tokens":3`) {
			t.Fatalf("stream %d: %d tokens in %q", i, n, body)
		}
		if took < sched.Length() {
			t.Errorf("stream %d took %v, less than its schedule's %v", i, took, sched.Length())
		}
	}
	resp, err := c.Get(hs.URL + "/stream/records")
	if err != nil {
		t.Fatal(err)
	}
	var rec Records
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(rec.TTFT) != 1 || len(rec.TPOT) != 1 || len(rec.Start) != 1 || len(rec.First) != 1 {
		t.Fatalf("records %+v: want the second stream only", rec)
	}
	if rec.TTFT[0] < sched.First || rec.TPOT[0] < sched.Every {
		t.Errorf("emitted ttft %v tpot %v, want at least %v and %v", rec.TTFT[0], rec.TPOT[0], sched.First, sched.Every)
	}
	// The wall clock (the Unix times) may be slewed against the monotonic one.
	if d := time.Duration(rec.First[0] - rec.Start[0]); (d - rec.TTFT[0]).Abs() > time.Millisecond {
		t.Errorf("first − start %v, ttft %v", d, rec.TTFT[0])
	}
	if again := s.Take(); len(again.TTFT) != 0 {
		t.Errorf("records after a take: %+v", again)
	}

	for _, q := range []string{"tokens=1", "first=soon", "every=-1s", "tokens=x"} {
		resp, err := c.Post(hs.URL+"/stream?"+q, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, resp.StatusCode)
		}
	}
}
