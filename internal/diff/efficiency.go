package diff

import "github.com/harness-gpu/harness/internal/result"

// efficiency reads a field of a step's efficiency object; nil when the step
// has none (no GPU sampler) or the field is unknown.
func efficiency(f func(*result.Efficiency) *float64) func(*stepValues) *float64 {
	return within(func(s *result.Step) *result.Efficiency { return s.Efficiency }, f)
}
