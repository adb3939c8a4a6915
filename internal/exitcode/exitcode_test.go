package exitcode

import (
	"errors"
	"fmt"
	"testing"
)

func TestOf(t *testing.T) {
	plain := errors.New("boom")
	for _, tc := range []struct {
		name string
		err  error
		want Code
	}{
		{"nil is success", nil, OK},
		{"an error without a code is internal", plain, Internal},
		{"a wrapped code", Wrap(Precondition, plain), Precondition},
		{"through fmt wrapping", fmt.Errorf("starting: %w", Wrap(Usage, plain)), Usage},
		{"the innermost code wins", Wrap(Internal, fmt.Errorf("ctx: %w", Wrap(Interrupted, plain))), Interrupted},
		{"shown keeps its code", Shown(Failed), Failed},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("%s: Of(%v) = %d, want %d", tc.name, tc.err, got, tc.want)
		}
	}
	if Wrap(Failed, nil) != nil {
		t.Error("Wrap(code, nil) must stay nil so `return Wrap(c, err)` passes success through")
	}
	if !errors.Is(Shown(Failed), ErrShown) || errors.Is(Wrap(Failed, plain), ErrShown) {
		t.Error("only Shown errors are marked as already reported")
	}
}
