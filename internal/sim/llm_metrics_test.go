package sim

import (
	"math"
	"testing"
)

// vllmFloat prints as Python's prometheus_client: a float always, and NaN
// and the infinities as Go and Prometheus spell them.
func TestVLLMFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0, "0.0"}, {5, "5.0"}, {1.5, "1.5"}, {1.5e6, "1.5e+06"}, {1e21, "1e+21"},
		{math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"},
	} {
		if got := vllmFloat(c.v); got != c.want {
			t.Errorf("vllmFloat(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}
