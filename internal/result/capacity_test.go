package result

import "testing"

// TestKnee: the knee is the highest load still at KneeEfficiency of the
// best throughput per unit of load.
func TestKnee(t *testing.T) {
	pts := func(loads, rps []float64) []CapacityPoint {
		var out []CapacityPoint
		for i := range loads {
			out = append(out, CapacityPoint{Load: loads[i], RPS: rps[i]})
		}
		return out
	}
	users := []float64{1, 10, 25, 50, 100, 200}
	for _, tc := range []struct {
		name    string
		pts     []CapacityPoint
		want    float64
		reached bool
	}{
		{"saturates after 100", pts(users, []float64{0.5, 5, 12.5, 24.9, 49.1, 61.8}), 100, true},
		{"still linear", pts(users, []float64{0.5, 5, 12.5, 25, 49.9, 99.6}), 0, false},
		{"saturated at once", pts(users, []float64{5, 5, 5, 5, 5, 5}), 1, true},
		{"no throughput", pts(users, make([]float64, 6)), 0, false},
	} {
		k, ok := Knee(tc.pts)
		if k != tc.want || ok != tc.reached {
			t.Errorf("%s: knee = %v, %v; want %v, %v", tc.name, k, ok, tc.want, tc.reached)
		}
	}
}
