package diff

import "github.com/harness-gpu/harness/internal/result"

// efficiency reads a field of a step's efficiency object; nil when the step
// has none (no GPU sampler) or the field is unknown.
func efficiency(f func(*result.Efficiency) *float64) func(*stepValues) *float64 {
	return func(v *stepValues) *float64 {
		if v.step.Efficiency == nil {
			return nil
		}
		return f(v.step.Efficiency)
	}
}
