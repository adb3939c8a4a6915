package sampler

import "github.com/harness-gpu/harness/internal/result"

// tritonSums are one Triton sampler's counter deltas over a window, kept
// apart from the derived ratios so that several samplers can be summed
// before dividing. The zero value is all unknown.
type tritonSums struct {
	delta   map[string]*float64 // by counter field; nil or absent = unknown
	rps     *float64
	pending result.Stat
}

var tritonFields = []string{tSuccess, tFailure, tCount, tExec, tRequest, tQueue, tInput, tInfer, tOutput}

// tritonWindowSums computes the deltas over a view. With fewer than two
// scrapes every delta is nil (unknown, not 0). rps divides by the span the
// scrapes cover (first to last), the interval the delta was measured over.
func tritonWindowSums(v view) tritonSums {
	s := tritonSums{delta: map[string]*float64{}}
	for _, f := range tritonFields {
		s.delta[f] = v.sumIncrease(f)
	}
	if span := v.spanSeconds(); span > 0 {
		s.rps = scale(s.delta[tSuccess], 1/span)
	}
	s.pending = gaugeStat(v.gauge(tPending))
	return s
}

// derive turns deltas into the triton namespace: times are Δ duration_us ÷
// Δ success ÷ 1000 (nil when Δ success is 0), batch size Δ count ÷ Δ exec.
func (s tritonSums) derive() *result.Triton {
	ms := func(f string) *float64 { return scale(div(s.delta[f], s.delta[tSuccess]), 1.0/1000) }
	return &result.Triton{
		Requests:  s.delta[tSuccess],
		Failures:  s.delta[tFailure],
		RPS:       s.rps,
		QueueMs:   ms(tQueue),
		InferMs:   ms(tInfer),
		InputMs:   ms(tInput),
		OutputMs:  ms(tOutput),
		RequestMs: ms(tRequest),
		BatchSize: div(s.delta[tCount], s.delta[tExec]),
		Pending:   s.pending,
	}
}

// addTritonSums sums several samplers' deltas: a delta unknown in any of
// them is unknown in the sum (a silent partial sum would pass assertions it
// should not). Pending gauges' stats are summed field by field (addStat).
func addTritonSums(all []tritonSums) tritonSums {
	out := tritonSums{delta: map[string]*float64{}, rps: all[0].rps, pending: all[0].pending}
	for _, f := range tritonFields {
		out.delta[f] = all[0].delta[f]
	}
	for _, s := range all[1:] {
		for _, f := range tritonFields {
			out.delta[f] = add(out.delta[f], s.delta[f])
		}
		out.rps = add(out.rps, s.rps)
		out.pending = addStat(out.pending, s.pending)
	}
	return out
}

// add returns a+b, nil when either is unknown.
func add(a, b *float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	return ptr(*a + *b)
}

// addStat adds two gauges' stats field by field, each unknown when either
// is. The gauges were sampled at different instants: the mean of the sum is
// the sum of the means; min and max are bounds.
func addStat(a, b result.Stat) result.Stat {
	return result.Stat{Min: add(a.Min, b.Min), Mean: add(a.Mean, b.Mean), Max: add(a.Max, b.Max), Last: add(a.Last, b.Last), P95: add(a.P95, b.P95)}
}
