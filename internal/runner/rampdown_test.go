package runner

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// Users removed by a ramp down finish the request they have in flight: the
// server sees none of its requests abandoned, the run records no failure,
// and the level does come down (fewer requests in flight at the end).
func TestRampDownFinishesInFlight(t *testing.T) {
	t.Parallel()
	var abandoned, finished atomic.Int64
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		timer := time.NewTimer(200 * time.Millisecond)
		defer timer.Stop()
		select {
		case <-timer.C:
			finished.Add(1)
		case <-r.Context().Done():
			abandoned.Add(1) // the client gave up on a request mid-flight
		}
	})
	s := scenario(srv.URL,
		&dsl.Step{Name: "ten", Users: 10, Duration: time.Second},
		&dsl.Step{Name: "two", Users: 2, Ramp: 600 * time.Millisecond, Duration: time.Second})
	f := run(t, context.Background(), s, Options{})

	if n := abandoned.Load(); n != 0 {
		t.Errorf("%d requests abandoned mid-flight by the ramp down, want 0", n)
	}
	for _, st := range f.Steps {
		if st.Requests.Failed != 0 {
			t.Errorf("step %s: %d failed requests, want 0 (errors %v)", st.Name, st.Requests.Failed, st.Errors)
		}
	}
	// Back to back at 200 ms a request: 10 users make ~50 requests in 1 s,
	// 2 users ~10. The measured window of "two" must look like 2 users.
	if got := f.Steps[1].Requests.Total; got < 6 || got > 14 {
		t.Errorf("step two: %d requests in 1 s, want ~10 (2 users at 200 ms each)", got)
	}
	if srv.inFlight.Load() != 0 {
		t.Errorf("%d requests still in flight after Run returned", srv.inFlight.Load())
	}
}
