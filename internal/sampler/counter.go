package sampler

// increase returns how much counter column i grew over the view's rows, as
// Prometheus' increase() does but without extrapolating to the window's
// edges:
//
//   - The column's values are walked in time order: each step adds cur-prev
//     when cur >= prev. A drop (cur < prev) is a counter reset (Triton
//     unloaded and reloaded the model, or restarted), so the series restarted
//     from zero and the step adds cur.
//   - A series absent from the window's first row but present later is a new
//     series: Triton creates a model's series at 0 when it loads (Triton's
//     metrics documentation), so its first value counts in full.
//   - A series that vanishes has ended: it contributes what it grew while
//     present. If it comes back lower than it left, that is a reset as above.
//
// The delta therefore covers the span from the window's first row to its
// last. Callers decide what fewer than two rows mean (unknown); ok is false
// when the column has no value in the window at all.
func (v view) increase(i int) (delta float64, ok bool) {
	if len(v.rows) == 0 {
		return 0, false
	}
	prev, seen := v.value(v.rows[0], i)
	if !seen {
		prev = 0 // new series: counts from zero
	}
	for _, r := range v.rows[1:] {
		cur, present := v.value(r, i)
		if !present {
			continue
		}
		seen = true
		delta += counterStep(prev, cur)
		prev = cur
	}
	return delta, seen
}

// counterStep is how much a counter grew from prev to cur: cur-prev, or,
// after a drop (a reset: the counter restarted from zero), cur.
func counterStep(prev, cur float64) float64 {
	if cur >= prev {
		return cur - prev
	}
	return cur
}

// sumIncrease sums increase over every counter column of field f (every
// label set of a metric). It is nil (unknown) with fewer than two rows, or
// when no series of f has a value in the window (the metric is not exposed).
func (v view) sumIncrease(f string) *float64 {
	if len(v.rows) < 2 {
		return nil
	}
	var sum float64
	found := false
	for _, i := range v.columns(classCounter, f) {
		if d, ok := v.increase(i); ok {
			sum += d
			found = true
		}
	}
	if !found {
		return nil
	}
	return ptr(sum)
}

// spanSeconds is the time the view's rows cover, first to last.
func (v view) spanSeconds() float64 {
	if len(v.rows) < 2 {
		return 0
	}
	return v.rows[len(v.rows)-1].t.Sub(v.rows[0].t).Seconds()
}
