package sampler

import (
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Status says, per sampler in scenario order, what it samples and whether
// its data is current: a sampler whose newest sample failed, or that has
// had no reading for an interval plus its timeout, reports how long it has
// gone without one, so that the live console and `harness monitor` can mark
// the values they show for it as that old.
func (g *Group) Status() []result.SamplerStatus {
	now := g.opts.now()
	out := make([]result.SamplerStatus, 0, len(g.members))
	for _, m := range g.members {
		st := result.SamplerStatus{Name: m.cfg.Name, Kind: string(m.cfg.Kind), Started: m.started}
		for _, s := range m.cfg.Series {
			st.Series = append(st.Series, result.SeriesName{Name: s.Name, Counter: s.Kind == dsl.SeriesCounter})
		}
		if m.started {
			st.NoData, st.LastError = m.noData(now)
		}
		out = append(out, st)
	}
	return out
}

// noData is how long m has gone without a reading, zero while its readings
// arrive on time.
func (m *member) noData(now time.Time) (time.Duration, string) {
	reading, gap, gapErr := m.st.newest()
	since := reading
	if since.IsZero() {
		since = m.startAt
	}
	age := now.Sub(since)
	failed := !gap.IsZero() && !gap.Before(reading)
	if !failed && age <= m.interval()+m.timeout() {
		return 0, ""
	}
	if !failed {
		gapErr = ""
	}
	return max(age, time.Nanosecond), gapErr
}
