package runner

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// Tests of what the engine does with absurd input and at its limits; each
// runs on virtual time, so a hang shows as the test's timeout, not a flake.

// More users than one process holds is refused before anything is sent,
// with the limit in the message, rather than added one by one for ever.
func TestHugeUsersRefused(t *testing.T) {
	for _, users := range []int{MaxUsers + 1, 1_000_000, 1_000_000_000} {
		t.Run(strconv.Itoa(users), func(t *testing.T) {
			virtual(t, func(t *testing.T) {
				fs := &fakeService{}
				s := scenario("http://fake/",
					&dsl.Step{Name: "small", Users: 1, Duration: time.Second},
					&dsl.Step{Name: "huge", Users: users, Ramp: time.Second, Duration: time.Second})
				f, err := Run(context.Background(), s, buildPlan(s), fs.options(Options{}))
				if err == nil || f != nil || exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), "at most 50000") {
					t.Errorf("users = %d: err %v (exit %d), want a usage error naming the limit", users, err, exitcode.Of(err))
				}
				if n := fs.served.Load(); n != 0 {
					t.Errorf("users = %d: %d requests sent before the refusal", users, n)
				}
			})
		})
	}
}

// SetLevel stops adding users once its stop is closed, so an interrupt
// during a big jump in level is seen at once; and it never holds more than
// MaxUsers whatever it is asked.
func TestSetLevelStopsAdding(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(ms)}
		opts := fs.options(Options{})
		p := &closedPool{opts: &opts}
		stop := make(chan struct{})
		close(stop)
		p.SetLevel(stop, MaxUsers)
		if n := len(p.users); n > addCheck {
			t.Errorf("added %d users after the stop, want at most %d", n, addCheck)
		}
		p.SetLevel(nil, 1<<40)
		if n := len(p.users); n != MaxUsers {
			t.Errorf("asked for 2^40 users: %d run, want MaxUsers (%d)", n, MaxUsers)
		}
		p.SetLevel(nil, 0)
		if !p.wait(time.Second) {
			t.Errorf("users still running after SetLevel(0)")
		}
	})
}

// A run at MaxUsers cancelled as it starts ends at once, interrupted.
func TestInterruptAtMaxUsers(t *testing.T) {
	virtual(t, func(t *testing.T) {
		fs := &fakeService{service: constant(100 * ms)}
		s := scenario("http://fake/", &dsl.Step{Name: "max", Users: MaxUsers, Pace: 10 * time.Second, Duration: time.Hour})
		f := runFake(t, s, fs, Options{}, 10*ms)
		if got := f.EndedAt.Sub(f.StartedAt); got > 200*ms || f.Steps[0].Status != "interrupted" {
			t.Errorf("run ended %v after its start, step %q; want within the in-flight requests' 100 ms, interrupted", got, f.Steps[0].Status)
		}
	})
}
