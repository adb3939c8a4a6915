package diff

import (
	"fmt"

	"github.com/harness-gpu/harness/internal/result"
)

// CapacityDiff compares one capacity search present in both files: the
// answer the diff leads with.
type CapacityDiff struct {
	Search     string   `json:"search"`
	Unit       string   `json:"unit"`
	Base       float64  `json:"base"`
	New        float64  `json:"new"`
	DeltaPct   *float64 `json:"delta_pct"` // nil when base is 0
	BaseStatus string   `json:"base_status"`
	NewStatus  string   `json:"new_status"`
	// Mark is improved or regressed beyond the threshold, else unchanged; a
	// lower capacity beyond it counts as a regression.
	Mark string `json:"mark"`
	// BaseJoulesPerRequest and NewJoulesPerRequest are what a request cost
	// at each run's capacity (the passing probe at that level); nil when
	// unknown: no GPU energy, or no probe passed.
	BaseJoulesPerRequest *float64 `json:"base_joules_per_request"`
	NewJoulesPerRequest  *float64 `json:"new_joules_per_request"`
}

// joulesAtCapacity is efficiency.joules_per_request of the last passing
// probe of s at its capacity; nil when there is none or it is unknown.
func joulesAtCapacity(f *result.File, s result.Search) *float64 {
	var j *float64
	for _, st := range f.Steps {
		p := st.Probe
		if p == nil || p.Search != s.Name || p.Level != s.Capacity || p.Outcome != result.ProbePass || st.Efficiency == nil {
			continue
		}
		j = st.Efficiency.JoulesPerRequest
	}
	return j
}

// compareSearches compares the searches both files ran, by name.
func (r *Report) compareSearches(base, cur *result.File) {
	for _, b := range base.Searches {
		for _, n := range cur.Searches {
			if n.Name != b.Name {
				continue
			}
			cd := CapacityDiff{Search: b.Name, Unit: n.Unit, Base: b.Capacity, New: n.Capacity,
				BaseStatus: b.Status, NewStatus: n.Status,
				BaseJoulesPerRequest: joulesAtCapacity(base, b), NewJoulesPerRequest: joulesAtCapacity(cur, n)}
			cd.DeltaPct = deltaPct(b.Capacity, n.Capacity)
			cd.Mark = r.judge(HigherIsBetter, &b.Capacity, &n.Capacity)
			r.Capacity = append(r.Capacity, cd)
		}
	}
}

// Sentence is the capacity line: "capacity 104 → 236 users, +127 %".
func (c CapacityDiff) Sentence() string {
	s := fmt.Sprintf("capacity %s → %s %s", result.FormatLevel(c.Base), result.FormatLevel(c.New), c.Unit)
	if c.DeltaPct != nil {
		s += fmt.Sprintf(", %+.0f %%", *c.DeltaPct)
	}
	for _, st := range []struct{ side, status string }{{"base", c.BaseStatus}, {"new", c.NewStatus}} {
		switch st.status {
		case result.SearchAboveMax:
			s += fmt.Sprintf(" (%s: max passed, at least)", st.side)
		case result.SearchBelowStart:
			s += fmt.Sprintf(" (%s: below start)", st.side)
		case result.SearchIncomplete:
			s += fmt.Sprintf(" (%s: search stopped)", st.side)
		}
	}
	if c.Mark == MarkRegressed || c.Mark == MarkImproved {
		s += ": " + c.Mark
	}
	if c.BaseJoulesPerRequest != nil || c.NewJoulesPerRequest != nil {
		s += "; J per request at capacity " + num(c.BaseJoulesPerRequest) + " → " + num(c.NewJoulesPerRequest)
	}
	return s
}

// probeSteps names the probe steps of f: compared through their search's
// capacity, not level by level (the levels differ between runs).
func probeSteps(f *result.File) map[string]bool {
	m := map[string]bool{}
	for _, st := range f.Steps {
		if st.Probe != nil {
			m[st.Name] = true
		}
	}
	return m
}
