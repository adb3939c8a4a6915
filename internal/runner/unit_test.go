package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

func stringsContains(s, sub string) bool { return strings.Contains(s, sub) }

func TestLookup(t *testing.T) {
	doc := `{"a":{"b":[{"c":1.5},{"c":"x"}]},"n":3,"s":"7","nul":null}`
	for _, tc := range []struct {
		path string
		want float64 // NaN = miss
	}{
		{"a.b.0.c", 1.5}, {"n", 3}, {"a.b.1.c", math.NaN()}, {"a.b.2.c", math.NaN()},
		{"a.b.-1.c", math.NaN()}, {"a.b.x", math.NaN()}, {"s", math.NaN()}, {"nul", math.NaN()},
		{"missing", math.NaN()}, {"n.deeper", math.NaN()}, {"a", math.NaN()},
	} {
		out := make([]float64, 1)
		newExtractor([]string{tc.path}).extract([]byte(doc), out)
		if got := out[0]; !(got == tc.want || math.IsNaN(got) && math.IsNaN(tc.want)) {
			t.Errorf("extract(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
	out := []float64{0}
	newExtractor([]string{"a"}).extract([]byte("not json"), out)
	if !math.IsNaN(out[0]) {
		t.Errorf("non-JSON body: %v", out[0])
	}
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[{"c":1.5}]}}`), "a.b.0.c")
	f.Add([]byte(`[1,2,3]`), "1")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		out := make([]float64, 1)
		newExtractor([]string{path}).extract(body, out)
	})
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, ClassTimeout},
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, ClassRefused},
		{&net.OpError{Op: "read", Err: syscall.ECONNRESET}, ClassReset},
		{fmt.Errorf("wrapped: %w", io.ErrUnexpectedEOF), ClassReset},
		{&net.DNSError{Err: "no such host", Name: "x.invalid"}, ClassDNS},
		{errors.New("tls: first record does not look like a TLS handshake"), ClassTLS},
		{fasthttp.ErrTimeout, ClassTimeout},
		{fasthttp.ErrDialTimeout, ClassTimeout},
		{fasthttp.ErrConnectionClosed, ClassReset},
		{errors.New("something else"), ClassOther},
	} {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("classify(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// The pacer's schedule integrates the rate: a constant rate gives k/rate,
// a ramp from 0 to 100/s over 10 s holds 500 arrivals, then 100/s.
func TestRampPacer(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		p    rampPacer
		k    uint64
		want time.Duration
		ok   bool
	}{
		{rampPacer{Rate: 300, Total: 10 * s}, 0, 0, true},
		{rampPacer{Rate: 300, Total: 10 * s}, 300, s, true},
		{rampPacer{Rate: 300, Total: 10 * s}, 2999, 9996666666, true},
		{rampPacer{Rate: 300, Total: 10 * s}, 3000, 0, false},
		{rampPacer{From: 0, Rate: 100, Ramp: 10 * s, Total: 20 * s}, 125, 5 * s, true}, // N(5s) = 100/20·25
		{rampPacer{From: 0, Rate: 100, Ramp: 10 * s, Total: 20 * s}, 500, 10 * s, true},
		{rampPacer{From: 0, Rate: 100, Ramp: 10 * s, Total: 20 * s}, 600, 11 * s, true},
		{rampPacer{From: 100, Rate: 50, Ramp: 10 * s, Total: 20 * s}, 750, 10 * s, true}, // ramp down
		{rampPacer{From: 100, Rate: 100, Ramp: 10 * s, Total: 20 * s}, 100, s, true},
	} {
		got, ok := tc.p.At(float64(tc.k))
		if ok != tc.ok || (ok && (got-tc.want > time.Microsecond || tc.want-got > time.Microsecond)) {
			t.Errorf("%+v.At(float64(%d)) = %v, %v; want %v, %v", tc.p, tc.k, got, ok, tc.want, tc.ok)
		}
	}
	p := rampPacer{Rate: 10, Total: s}
	if d, ok := p.At(float64(1)); !ok || d != 100*time.Millisecond {
		t.Errorf("At(1) = %v, %v", d, ok)
	}
	if _, ok := p.At(float64(10)); ok {
		t.Errorf("At past the end should stop")
	}
}

// Each level change of a ramp falls where UsersAt changes.
func TestNextLevelChange(t *testing.T) {
	for _, ps := range []plan.Step{
		{Model: dsl.Closed, FromUsers: 0, Users: 20, Ramp: 4 * time.Second},
		{Model: dsl.Closed, FromUsers: 50, Users: 10, Ramp: 3 * time.Second},
		{Model: dsl.Closed, FromUsers: 1, Users: 3, Ramp: 7 * time.Second},
	} {
		var d time.Duration
		level, changes := ps.UsersAt(0), 0
		for {
			next, ok := nextLevelChange(ps, d)
			if !ok {
				break
			}
			if next <= d {
				t.Fatalf("%+v: no progress at %v", ps, d)
			}
			if ps.UsersAt(next) == level {
				t.Errorf("%+v: level unchanged at %v", ps, next)
			}
			if ps.UsersAt(next-2*time.Microsecond) != level {
				t.Errorf("%+v: level changed before %v", ps, next)
			}
			level, d = ps.UsersAt(next), next
			changes++
		}
		if want := abs(ps.Users - ps.FromUsers); changes != want || level != ps.Users {
			t.Errorf("%+v: %d changes ending at %d, want %d ending at %d", ps, changes, level, want, ps.Users)
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Authorization-like headers never reach the results file; sensitive
// variables read "(sensitive)".
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	var sawAuth bool
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		sawAuth = r.Header.Get("Authorization") == "Bearer s3cr3t"
		w.WriteHeader(http.StatusUnauthorized)
	})
	s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Pace: 100 * time.Millisecond, Duration: 300 * time.Millisecond})
	s.Targets[0].Headers = map[string]string{"Authorization": "Bearer s3cr3t"}
	s.Variables = []*dsl.Variable{
		{Name: "token", Value: cty.StringVal("hunter2"), Sensitive: true},
		{Name: "users", Value: cty.NumberIntVal(10)},
	}
	f := run(t, context.Background(), s, Options{})
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3t") || strings.Contains(string(b), "hunter2") {
		t.Errorf("a secret leaked into the results: %s", b)
	}
	if !sawAuth {
		t.Errorf("the header was not sent")
	}
	if v := f.Scenario.Variables; v["token"] != "(sensitive)" || v["users"] != "10" {
		t.Errorf("variables %v", v)
	}
}

// Extracted fields are summarised; a missing field is a miss (class extract)
// and the request still counts as ok.
func TestExtractIntegration(t *testing.T) {
	t.Parallel()
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"inference_time_ms": 12.5, "out": [{"score": 0.75}]}`)
	})
	s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Pace: 50 * time.Millisecond, Duration: 500 * time.Millisecond})
	s.Targets[0].Extracts = []*dsl.Extract{
		{Name: "inference_ms", JSONPath: "inference_time_ms"},
		{Name: "score", JSONPath: "out.0.score"},
		{Name: "gone", JSONPath: "nope"},
	}
	st := run(t, context.Background(), s, Options{}).Steps[0]
	n := st.Requests.Total
	if n == 0 || st.Requests.OK != n {
		t.Fatalf("requests %+v", st.Requests)
	}
	inf, score, gone := st.Extract["inference_ms"], st.Extract["score"], st.Extract["gone"]
	if inf.Count != n || *inf.P50 != 12.5 || *inf.Min != 12.5 || *inf.Last != 12.5 {
		t.Errorf("inference_ms %+v", inf)
	}
	if score.Count != n || *score.P99 != 0.75 {
		t.Errorf("score %+v", score)
	}
	if gone.Misses != n || gone.Count != 0 || gone.P50 != nil || st.Errors[ClassExtract].Count != n {
		t.Errorf("gone %+v errors %v", gone, st.Errors)
	}
	if msgs := st.Errors[ClassExtract].Messages; len(msgs) != 1 || msgs[0] != `extract "gone": field missing or not a number` {
		t.Errorf("extract error messages %q", msgs)
	}
}

// waitUntil never returns before its deadline (an arrival is never sent
// early), and a stop ends a long wait.
func TestWaitUntil(t *testing.T) {
	for _, d := range []time.Duration{-time.Millisecond, 0, 50 * time.Microsecond, 700 * time.Microsecond, 3 * time.Millisecond} {
		deadline := time.Now().Add(d)
		if err := waitUntil(nil, deadline, fineWait); err != nil {
			t.Fatalf("wait %v: %v", d, err)
		}
		if early := time.Until(deadline); early > 0 {
			t.Errorf("wait %v returned %v early", d, early)
		}
	}
	stop := make(chan struct{})
	close(stop)
	if err := waitUntil(stop, time.Now().Add(time.Hour), fineWait); err != errStopped {
		t.Errorf("stopped wait: %v, want errStopped", err)
	}
}
