package dsl

import (
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The `search "NAME"` block (docs/scenario-language.md, "Capacity search"):
// probe levels stepped up by growth until one fails, then bisected to the
// precision; each probe is judged by the chosen assertions.

const blockSearch = "search"

// Search defaults.
const (
	DefaultSearchGrowth    = 2.0
	DefaultSearchPrecision = 0.05
	DefaultSearchRamp      = 5 * time.Second
	DefaultSearchDuration  = 30 * time.Second
)

// Search is a `search "NAME"` block.
type Search struct {
	Name   string
	Target string // resolved like a step's
	Model  LoadModel
	// Pace or Think paces a users search's users, as in a step.
	Pace, Think time.Duration

	Start, Max, Growth, Precision float64
	Ramp, Duration, Cooldown      time.Duration

	// Asserts names the asserts each probe must pass: as written, or (when
	// AssertsSet is false) every top-level fail-severity assert that applies
	// to every step and does not read search.*.
	Asserts    []string
	AssertsSet bool
	// After is how many steps come before the search in the file: it runs
	// between Steps[After-1] and Steps[After].
	After     int
	DeclRange hcl.Range
}

// Unit is the search's level unit: "users" or "req/s".
func (s *Search) Unit() string {
	if s.Model == Open {
		return "req/s"
	}
	return "users"
}

var searchSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "model", Required: true}, {Name: "pace"}, {Name: "think"}, {Name: "start", Required: true},
		{Name: "max", Required: true}, {Name: "growth"}, {Name: "precision"}, {Name: "ramp"},
		{Name: "duration"}, {Name: "cooldown"}, {Name: "target"}, {Name: "asserts"},
	},
}

// decodeSearchBlock reads a `search "NAME"` block; after is the number of
// steps decoded before it.
func decodeSearchBlock(block *hcl.Block, ctx *hcl.EvalContext, after int) (*Search, hcl.Diagnostics, map[string]hcl.Range) {
	s := &Search{
		Name: block.Labels[0], Growth: DefaultSearchGrowth, Precision: DefaultSearchPrecision,
		Ramp: DefaultSearchRamp, Duration: DefaultSearchDuration, After: after, DeclRange: block.DefRange,
	}
	content, diags := bodyContent(block.Body, searchSchema)
	a := newAttrs(content.Attributes, ctx)
	ranges := map[string]hcl.Range{}
	for name, at := range content.Attributes {
		ranges[name] = at.Expr.Range()
	}
	s.Target, _ = a.str("target")
	model, _ := a.oneOf("model", "Invalid search model",
		`"users" (closed model: concurrent users, with pace or think) or "rate" (open model: arrivals per second)`, "users", "rate")
	s.Model = Closed
	if model == "rate" {
		s.Model = Open
	}
	if model == "users" && !a.has("pace") && !a.has("think") && a.has("model") {
		a.errorf("model", "Search without pace or think",
			"A users search needs pace (each user starts a request every pace) or think (each user waits think after each response): "+
				"without either, users send back to back and the level says nothing about the load; add pace = \"2s\".")
	}
	s.Pace, s.Think = decodePacing(a, model == "rate", "a rate search")
	readLevel := func(name string) (float64, bool) { return a.perSecond(name, "requests") }
	if model == "users" {
		readLevel = func(name string) (float64, bool) {
			n, ok := a.positiveInt(name, MaxUsers, "users")
			return float64(n), ok
		}
	}
	start, okStart := readLevel("start")
	maxLevel, okMax := readLevel("max")
	s.Start, s.Max = start, maxLevel
	if okStart && okMax && start > maxLevel {
		a.errorf("start", "Search starts above its max",
			"start = %s is above max = %s: the first probe would already be over the limit; lower start or raise max.", fmtNum(start), fmtNum(maxLevel))
	}
	if g, ok := a.number("growth"); ok {
		s.Growth = g
		if !(g > 1) {
			a.errorf("growth", "Invalid growth",
				"growth is the factor each probe multiplies the level by until one fails, so it must be above 1; got %s. Use e.g. growth = 2.", fmtNum(g))
		}
	}
	if p, ok := a.number("precision"); ok {
		s.Precision = p
		if !(p > 0 && p <= 0.5) {
			a.errorf("precision", "Invalid precision",
				"precision is the bracket's width relative to the capacity at which bisection stops, in (0, 0.5]; got %s. Use e.g. precision = 0.05 (5 %%).", fmtNum(p))
		}
	}
	if d, ok := a.duration("ramp"); ok {
		s.Ramp = d
	}
	if d, ok := a.positiveDuration("duration"); ok {
		s.Duration = d
	}
	s.Cooldown, _ = a.duration("cooldown")
	s.Asserts, s.AssertsSet = a.strs("asserts")
	return s, append(diags, a.diags...), ranges
}

// decodeSearch decodes a search block and records it.
func (l *loader) decodeSearch(b *hcl.Block) hcl.Diagnostics {
	s, diags, ranges := decodeSearchBlock(b, l.s.EvalCtx, len(l.s.Steps))
	if !l.unique(blockSearch, s.Name, b, &diags) {
		return diags
	}
	if l.searchRanges == nil {
		l.searchRanges = map[*Search]map[string]hcl.Range{}
	}
	l.searchRanges[s] = ranges
	l.s.Searches = append(l.s.Searches, s)
	return diags
}

// ReadsSearch reports whether a's condition reads search.*: such an assert
// is evaluated once, after the searches, and never on a step or probe.
func (a *Assert) ReadsSearch() bool {
	if a.Condition == nil {
		return false
	}
	for _, t := range a.Condition.Variables() {
		if t.RootName() == blockSearch {
			return true
		}
	}
	return false
}

// defaultProbeAssert reports whether a judges probes when a search does not
// list its asserts: top-level, fail severity, every step, no search.*.
func defaultProbeAssert(a *Assert) bool {
	return a.Step == "" && len(a.Steps) == 0 && (a.Severity == SeverityFail || a.Severity == "") && !a.ReadsSearch()
}

// checkSearches resolves each search's target and asserts, checks the
// asserts over search results, and warns of a search nothing gates on.
func (l *loader) checkSearches() hcl.Diagnostics {
	var diags hcl.Diagnostics
	asserts := map[string]*Assert{}
	var names []string
	for _, a := range l.s.Asserts {
		if a.Step == "" {
			asserts[a.Name] = a
			names = append(names, a.Name)
		}
	}
	targets := l.targetNames()
	for _, s := range l.s.Searches {
		r := l.searchRanges[s]
		at := func(name string) *hcl.Range { return rangeOr(r[name], s.DeclRange) }
		if d := l.resolveTarget("search", s.Name, &s.Target, r["target"], s.DeclRange, targets); d != nil {
			diags = append(diags, d)
		}
		if !s.AssertsSet {
			for _, a := range l.s.Asserts {
				if defaultProbeAssert(a) {
					s.Asserts = append(s.Asserts, a.Name)
				}
			}
			if len(s.Asserts) == 0 {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError, Summary: "Search without assertions",
					Detail: fmt.Sprintf("Search %q judges each probe by the fail-severity asserts that apply to every step and do not read search.*, "+
						"and there are none; add one (e.g. assert \"p95\" { condition = latency.p95 < 500 }) or list them: asserts = [\"…\"].", s.Name),
					Subject: at("model"),
				})
			}
		}
		for _, name := range s.Asserts {
			a, ok := asserts[name]
			switch {
			case !ok:
				diags = append(diags, errorAt(at("asserts"), "Unknown assert in search",
					fmt.Sprintf("Search %q lists assert %q, which is not a top-level assert.%s", s.Name, name, suggestSuffix(name, names))))
			case a.ReadsSearch():
				diags = append(diags, errorAt(at("asserts"), "Search assert reads a search result",
					fmt.Sprintf("Assert %q reads search.*, which is known only after the searches; a probe cannot be judged by it. Remove it from asserts.", name)))
			}
		}
		if !l.gated(s) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning, Summary: "search with no assertion over its result",
				Detail: fmt.Sprintf("Probe results never fail the run, so search %q can find any capacity and the run still passes; "+
					"gate on it: assert \"capacity_floor\" { condition = search.%s.capacity >= 100 }.", s.Name, s.Name),
				Subject: &s.DeclRange,
			})
		}
	}
	for _, a := range l.s.Asserts {
		diags = append(diags, l.checkSearchAssert(a)...)
	}
	return diags
}

// gated reports whether some assert reads search.NAME.
func (l *loader) gated(s *Search) bool {
	for _, a := range l.s.Asserts {
		if a.Condition == nil {
			continue
		}
		for _, t := range a.Condition.Variables() {
			if t.RootName() != blockSearch || len(t) < 2 {
				continue
			}
			if at, ok := t[1].(hcl.TraverseAttr); ok && at.Name == s.Name {
				return true
			}
		}
	}
	return false
}

// checkSearchAssert checks an assert over search results: evaluated once,
// after the searches, so it reads nothing of a step and is not scoped to one.
func (l *loader) checkSearchAssert(a *Assert) hcl.Diagnostics {
	if !a.ReadsSearch() {
		return nil
	}
	var diags hcl.Diagnostics
	r := a.Condition.Range()
	for _, t := range a.Condition.Variables() {
		if name := t.RootName(); name != blockSearch && !valueRoots[name] {
			sr := t.SourceRange()
			diags = append(diags, errorAt(&sr, "Search result mixed with step values",
				fmt.Sprintf("Assert %q reads search.*, which is evaluated once after the searches, and %s, which is evaluated per step; split it into two asserts.", a.Name, name)))
			break
		}
	}
	switch {
	case a.Step != "":
		diags = append(diags, errorAt(&r, "Search result in a step's assert",
			fmt.Sprintf("Assert %q is inside step %q but reads search.*, which is evaluated once after the searches; move it to the top level.", a.Name, a.Step)))
	case len(a.Steps) > 0:
		diags = append(diags, errorAt(rangeOr(l.stepsRange[a], a.DeclRange), "Steps of a search assert",
			fmt.Sprintf("Assert %q reads search.*, which is evaluated once after the searches, not per step; remove steps.", a.Name)))
	}
	if a.Abort {
		diags = append(diags, errorAt(&r, "abort on a search result",
			fmt.Sprintf("Assert %q reads search.*, known only once the search is over, so it cannot stop the run live; remove abort.", a.Name)))
	}
	return diags
}

func errorAt(r *hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: r}
}

// SearchResultType is one search.NAME in a condition; breached holds the
// names of the assertions that failed at first_failing.
var SearchResultType = cty.Object(map[string]cty.Type{
	"capacity": cty.Number, "first_failing": cty.Number, "status": cty.String,
	"probes": cty.Number, "unstable_probes": cty.Number, "breached": cty.List(cty.String),
	"throughput_at_capacity": cty.Number,
})

// SearchResultFields are the fields of search.NAME, in documentation order.
var SearchResultFields = []string{"capacity", "first_failing", "status", "probes", "unstable_probes", "breached", "throughput_at_capacity"}

// searchType is the `search` namespace of s: one object per search.
func searchType(s *Scenario) cty.Type {
	m := map[string]cty.Type{}
	for _, sr := range s.Searches {
		m[sr.Name] = SearchResultType
	}
	return cty.Object(m)
}
