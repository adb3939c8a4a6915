package diff

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// Report is the whole comparison of a base and a new results file; the
// renderers only format it, and --format json writes it as is.
type Report struct {
	Threshold float64 `json:"threshold"` // relative, 0.05 = 5%
	Base      Side    `json:"base"`
	New       Side    `json:"new"`
	// Warnings are shown before everything else (different scenario sha, …).
	Warnings []string `json:"warnings"`
	// Notes explain values, e.g. latency taken from a rounded summary.
	Notes []string `json:"notes"`
	// Capacity compares the searches both runs have; it leads the report.
	Capacity   []CapacityDiff    `json:"capacity"`
	Steps      []StepDiff        `json:"steps"`
	OnlyInBase []string          `json:"only_in_base"`
	OnlyInNew  []string          `json:"only_in_new"`
	Assertions []AssertionChange `json:"assertions"`
	// Regressions counts metrics regressed beyond the threshold; Broken
	// counts assertions that passed in base and fail or error in new.
	Regressions  int `json:"regressions"`
	Improvements int `json:"improvements"`
	Broken       int `json:"broken"`
}

// Regressed reports whether the gate of --fail-on regression trips.
func (r *Report) Regressed() bool { return r.Regressions > 0 || r.Broken > 0 }

// Side describes one of the two runs.
type Side struct {
	Path           string         `json:"path"`
	Scenario       string         `json:"scenario"`
	SHA256         string         `json:"sha256"`
	GPUs           []string       `json:"gpus"` // "NAME (driver D)"
	Host           string         `json:"host"`
	HarnessVersion string         `json:"harness_version"`
	StartedAt      time.Time      `json:"started_at"`
	Verdict        result.Verdict `json:"verdict"`
}

// StepDiff compares one step present in both files.
type StepDiff struct {
	Name       string            `json:"name"`
	BaseStatus result.StepStatus `json:"base_status"`
	NewStatus  result.StepStatus `json:"new_status"`
	Metrics    []MetricDiff      `json:"metrics"`
}

// MetricDiff is one metric of one step.
type MetricDiff struct {
	Metric   string    `json:"metric"`
	Unit     string    `json:"unit"`
	Better   Direction `json:"better"`
	Base     *float64  `json:"base"`
	New      *float64  `json:"new"`
	Delta    *float64  `json:"delta"`
	DeltaPct *float64  `json:"delta_pct"` // nil when base is 0 or either is unknown
	Mark     string    `json:"mark"`      // improved, regressed, changed, unchanged, "" (not comparable)
}

// AssertionChange is the status of one (assert, step) pair in both runs;
// only changed pairs are listed.
type AssertionChange struct {
	Assert     string        `json:"assert"`
	Step       string        `json:"step"`
	Base       result.Status `json:"base"` // status, "" when absent
	New        result.Status `json:"new"`
	Transition string        `json:"transition"` // "pass→fail", "fail→pass", "added", "removed", …
	// Broken is true for pass→fail and pass→error of an assertion whose
	// outcome in the new run is a failure (not a warn-severity one): the
	// gate trips on it.
	Broken bool `json:"broken"`
}

// Compare compares base with cur. Steps are matched by name in base order;
// threshold is relative (0.05 = 5%).
func Compare(basePath string, base *result.File, newPath string, cur *result.File, threshold float64) *Report {
	r := &Report{
		Threshold: threshold,
		Base:      sideOf(basePath, base), New: sideOf(newPath, cur),
		Warnings: []string{}, Notes: []string{}, Steps: []StepDiff{},
		OnlyInBase: []string{}, OnlyInNew: []string{}, Assertions: []AssertionChange{},
		Capacity: []CapacityDiff{},
	}
	if base.Scenario.SHA256 != cur.Scenario.SHA256 {
		r.Warnings = append(r.Warnings, fmt.Sprintf(
			"scenario sha256 differs (base %s, new %s): the two runs may not follow the same plan",
			short(base.Scenario.SHA256), short(cur.Scenario.SHA256)))
	}
	if base.Scenario.Name != cur.Scenario.Name {
		r.Warnings = append(r.Warnings, fmt.Sprintf("scenario name differs: base %q, new %q",
			base.Scenario.Name, cur.Scenario.Name))
	}
	r.compareSearches(base, cur)
	probes := probeSteps(base)
	for name := range probeSteps(cur) {
		probes[name] = true
	}
	newSteps := make(map[string]*result.Step, len(cur.Steps))
	for i := range cur.Steps {
		newSteps[cur.Steps[i].Name] = &cur.Steps[i]
	}
	matched := make(map[string]bool)
	for i := range base.Steps {
		b := &base.Steps[i]
		if probes[b.Name] {
			continue
		}
		n, ok := newSteps[b.Name]
		if !ok {
			r.OnlyInBase = append(r.OnlyInBase, b.Name)
			continue
		}
		matched[b.Name] = true
		r.Steps = append(r.Steps, r.compareStep(b, n))
	}
	for _, s := range cur.Steps {
		if !matched[s.Name] && !probes[s.Name] {
			r.OnlyInNew = append(r.OnlyInNew, s.Name)
		}
	}
	r.compareAssertions(base.Assertions, cur.Assertions)
	return r
}

func (r *Report) compareStep(b, n *result.Step) StepDiff {
	bv := &stepValues{step: b, latency: b.Percentiles()}
	nv := &stepValues{step: n, latency: n.Percentiles()}
	for _, side := range []struct {
		name string
		v    *stepValues
	}{{"base", bv}, {"new", nv}} {
		if !side.v.latency.FromHistogram {
			r.Notes = append(r.Notes, fmt.Sprintf(
				"step %s: no histogram in the %s file; its latency percentiles are the rounded summary", b.Name, side.name))
		}
	}
	sd := StepDiff{Name: b.Name, BaseStatus: b.Status, NewStatus: n.Status}
	for _, m := range stepMetrics(b, n) {
		md := MetricDiff{Metric: m.Name, Unit: m.Unit, Better: m.Better, Base: m.get(bv), New: m.get(nv)}
		if md.Base != nil && md.New != nil {
			d := *md.New - *md.Base
			md.Delta = &d
			md.DeltaPct = deltaPct(*md.Base, *md.New)
		}
		md.Mark = r.judge(m.Better, md.Base, md.New)
		sd.Metrics = append(sd.Metrics, md)
	}
	return sd
}

// judge marks cur against base (Direction.Judge at the report's threshold)
// and counts a regression or an improvement.
func (r *Report) judge(better Direction, base, cur *float64) string {
	mark := better.Judge(base, cur, r.Threshold)
	switch mark {
	case MarkRegressed:
		r.Regressions++
	case MarkImproved:
		r.Improvements++
	}
	return mark
}

// deltaPct is the change from base to cur in percent of base; nil when base
// is 0.
func deltaPct(base, cur float64) *float64 {
	if base == 0 {
		return nil
	}
	p := (cur - base) / base * 100
	return &p
}

// compareAssertions lists every (assert, step) pair whose status changed,
// sorted by step order of appearance then assert name.
func (r *Report) compareAssertions(base, cur []result.Assertion) {
	type key struct{ assert, step string }
	statuses := map[key]*AssertionChange{}
	var order []key
	newFailing := map[key]bool{}
	add := func(list []result.Assertion, isNew bool) {
		for _, a := range list {
			k := key{a.Name, a.Step}
			c, ok := statuses[k]
			if !ok {
				c = &AssertionChange{Assert: a.Name, Step: a.Step}
				statuses[k] = c
				order = append(order, k)
			}
			if isNew {
				c.New = a.Status
				newFailing[k] = result.OutcomeOf(a).Failing()
			} else {
				c.Base = a.Status
			}
		}
	}
	add(base, false)
	add(cur, true)
	for _, k := range order {
		c := statuses[k]
		switch {
		case c.Base == c.New:
			continue
		case c.Base == "":
			c.Transition = "added"
		case c.New == "":
			c.Transition = "removed"
		default:
			c.Transition = string(c.Base) + "→" + string(c.New)
			// A warn-severity breach is a warning here too (result.OutcomeOf).
			c.Broken = c.Base == result.StatusPass && newFailing[k]
		}
		if c.Broken {
			r.Broken++
		}
		r.Assertions = append(r.Assertions, *c)
	}
	sort.SliceStable(r.Assertions, func(i, j int) bool {
		return transitionRank(r.Assertions[i]) < transitionRank(r.Assertions[j])
	})
}

func sideOf(path string, f *result.File) Side {
	s := Side{
		Path: path, Scenario: f.Scenario.Name, SHA256: f.Scenario.SHA256, GPUs: []string{},
		Host: f.Environment.Host, HarnessVersion: f.Environment.HarnessVersion,
		StartedAt: f.StartedAt, Verdict: f.Verdict,
	}
	for _, g := range f.Environment.GPUs {
		name := g.Name
		if g.Driver != "" {
			name += " (driver " + g.Driver + ")"
		}
		s.GPUs = append(s.GPUs, name)
	}
	return s
}

// short abbreviates a sha256 for headers; the JSON form keeps it whole.
func short(sha string) string {
	if sha == "" {
		return "(none)"
	}
	if len(sha) > 12 {
		return sha[:12]
	}
	return strings.TrimSpace(sha)
}

// transitionRank orders the listed changes: what broke first, then other
// status changes, then removed and added pairs.
func transitionRank(c AssertionChange) int {
	switch {
	case c.Broken:
		return 0
	case c.Transition == "removed":
		return 2
	case c.Transition == "added":
		return 3
	}
	return 1
}
