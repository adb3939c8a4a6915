package result

import "math"

// Efficiency is a step's `efficiency` object: what its requests cost in
// energy (docs/results.md). A nil field is unknown: no energy or power
// measured, no ok request, or a zero divisor.
type Efficiency struct {
	// JoulesPerRequest is gpu.energy_j over the ok requests.
	JoulesPerRequest *float64 `json:"joules_per_request"`
	// RequestsPerJoule is its inverse.
	RequestsPerJoule *float64 `json:"requests_per_joule"`
	// WattsPerRPS is the GPUs' mean power (the sum of each GPU's mean
	// power_w) over the ok requests per second of the measured window.
	WattsPerRPS *float64 `json:"watts_per_rps"`
	// JoulesPerToken is gpu.energy_j over the output tokens of the ok
	// requests, and TokensPerJoule its inverse; nil unless the step's target
	// streams (only a stream gives token counts).
	JoulesPerToken *float64 `json:"joules_per_token"`
	TokensPerJoule *float64 `json:"tokens_per_joule"`
}

// StepEfficiency computes s's efficiency from its requests, measured window
// and GPU aggregates. It is nil when the step has no GPU namespace (no GPU
// sampler), so steps measured without GPUs carry no efficiency object.
func StepEfficiency(s Step) *Efficiency {
	if s.GPU == nil {
		return nil
	}
	var e Efficiency
	ok := float64(s.Requests.OK)
	if j := s.GPU.EnergyJ; j != nil {
		e.JoulesPerRequest = ratio(*j, ok)
		e.RequestsPerJoule = ratio(ok, *j)
		if s.Stream != nil {
			tokens := float64(s.Stream.TotalOutputTokens)
			e.JoulesPerToken = ratio(*j, tokens)
			e.TokensPerJoule = ratio(tokens, *j)
		}
	}
	if w := meanPower(s); w != nil && s.Measured.DurationS > 0 {
		e.WattsPerRPS = ratio(*w, ok/s.Measured.DurationS)
	}
	return &e
}

// meanPower sums the GPUs' mean power: unknown if any GPU's is unknown, or
// zero (a power reading of exactly 0 W is not a measurement of a working
// card).
func meanPower(s Step) *float64 {
	if len(s.GPUs) == 0 {
		return nil
	}
	var sum float64
	for _, g := range s.GPUs {
		if g.PowerW.Mean == nil {
			return nil
		}
		sum += *g.PowerW.Mean
	}
	if sum <= 0 {
		return nil
	}
	return &sum
}

// ratio is a/b, nil unless both are positive and finite.
func ratio(a, b float64) *float64 {
	r := a / b
	if !(a > 0 && b > 0) || math.IsNaN(r) || math.IsInf(r, 0) {
		return nil
	}
	return &r
}
