package dsl

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// check runs the rules that span blocks, once every block is decoded:
// required blocks, step targets, assert steps and conditions, and the
// whole-scenario warnings. It reads the scenario and never changes it,
// except to resolve each step's Target.
func (l *loader) check() hcl.Diagnostics {
	diags := l.checkRequiredBlocks()
	diags = append(diags, l.resolveTargets()...)
	diags = append(diags, l.checkTotalDuration()...)
	steps := map[string]bool{}
	for _, st := range l.s.Steps {
		steps[st.Name] = true
	}
	for _, a := range l.s.Asserts {
		diags = append(diags, l.checkAssert(a, steps)...)
	}
	diags = append(diags, l.checkSearches()...)
	if !l.s.HasFailAssert() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "no fail assertion: this scenario can never fail on a breach",
			Detail:   "Add an assert with severity \"fail\" (the default), e.g. assert \"p95\" { condition = latency.p95 < 500 }.",
			Subject:  l.scenarioRange(),
		})
	}
	return diags
}

// HasFailAssert reports whether any assert can fail the run (severity
// fail, the default when none is set). The one decision behind validate's
// "no fail assertion" warning and the same warning in the results file.
func (s *Scenario) HasFailAssert() bool {
	for _, a := range s.Asserts {
		if a.Severity == SeverityFail || a.Severity == "" {
			return true
		}
	}
	return false
}

func (l *loader) scenarioRange() *hcl.Range {
	if l.scenario != nil {
		r := l.scenario.DefRange
		return &r
	}
	return &hcl.Range{Filename: l.s.File, Start: hcl.InitialPos, End: hcl.InitialPos}
}

// checkRequiredBlocks reports a missing scenario block, target or step.
func (l *loader) checkRequiredBlocks() hcl.Diagnostics {
	var diags hcl.Diagnostics
	missing := func(what, example string) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing " + what,
			Detail:   "A scenario needs " + example + ".",
			Subject:  &hcl.Range{Filename: l.s.File, Start: hcl.InitialPos, End: hcl.InitialPos},
		})
	}
	if l.scenario == nil {
		missing("scenario block", "one scenario { name = \"…\" } block")
	}
	if len(l.s.Targets) == 0 && len(l.first[blockTarget].first) == 0 {
		missing("target", "at least one target \"name\" { url = \"…\" } block")
	}
	if len(l.s.Steps) == 0 && len(l.first[blockStep].first) == 0 && len(l.first[blockSearch].first) == 0 {
		missing("step", "at least one step \"name\" { users = 1, duration = \"30s\" } or search \"name\" { … } block")
	}
	return diags
}

// resolveTargets fills each step's Target: optional with one target,
// required with several, and always the name of a declared target.
func (l *loader) resolveTargets() hcl.Diagnostics {
	var diags hcl.Diagnostics
	names := l.targetNames()
	for _, st := range l.s.Steps {
		if d := l.resolveTarget("step", st.Name, &st.Target, l.targetRange[st], st.DeclRange, names); d != nil {
			diags = append(diags, d)
		}
	}
	return diags
}

func (l *loader) targetNames() []string {
	names := make([]string, 0, len(l.s.Targets))
	for _, t := range l.s.Targets {
		names = append(names, t.Name)
	}
	return names
}

// resolveTarget resolves the target of a step or search (kind) called
// name: *target is filled when the scenario has one target and none is
// named. at is where target is written (zero when it is not), decl the
// block's range.
func (l *loader) resolveTarget(kind, name string, target *string, at, decl hcl.Range, names []string) *hcl.Diagnostic {
	switch {
	case *target == "" && len(names) == 1:
		*target = names[0]
	case *target == "" && len(names) > 1:
		return errorAt(&decl, "Missing "+kind+" target",
			fmt.Sprintf("The scenario has %d targets, so %s %q must name one: target = %q.", len(names), kind, name, names[0]))
	case *target != "" && !l.first[blockTarget].has(*target):
		return errorAt(rangeOr(at, decl), "Unknown target",
			fmt.Sprintf("%s %q names target %q, which is not declared; the targets are %s.%s",
				strings.ToUpper(kind[:1])+kind[1:], name, *target, orList(names), suggestSuffix(*target, names)))
	}
	return nil
}

// checkAssert checks an assert's steps and the names its condition reads.
func (l *loader) checkAssert(a *Assert, steps map[string]bool) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range a.Steps {
		if !steps[name] {
			r := rangeOr(l.stepsRange[a], a.DeclRange)
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown step in assert",
				Detail:   fmt.Sprintf("assert %q lists step %q, which is not declared.%s", a.Name, name, suggestSuffix(name, slices.Collect(maps.Keys(steps)))),
				Subject:  r,
			})
		}
	}
	if a.Condition == nil {
		return diags
	}
	refs := CheckConditionReferences(l.s, a.Condition)
	if a.ErrorMessage != nil {
		d, _ := checkReferences(conditionRoots(l.s), a.ErrorMessage)
		refs = append(refs, d...)
	}
	refs = append(refs, shadowedStepRefs(a.Condition, l.iterationOf(a))...)
	refs = append(refs, shadowedStepRefs(a.ErrorMessage, l.iterationOf(a))...)
	if !refs.HasErrors() {
		refs = append(refs, typeCheckAssert(l.s, a)...)
	}
	return append(diags, refs...)
}

// iterationOf is the dynamic iteration a nested assert's step came from.
func (l *loader) iterationOf(a *Assert) *dynIteration {
	if a.Step == "" {
		return nil
	}
	for st, it := range l.stepIter {
		if st.Name == a.Step {
			return it
		}
	}
	return nil
}

// rangeOr is r, or def when r is the zero range.
func rangeOr(r, def hcl.Range) *hcl.Range {
	if r == (hcl.Range{}) {
		return &def
	}
	return &r
}

// RampSeconds is how long the step's ramp takes: `ramp`, or with
// `ramp_rate` the distance from prev's level (the previous step's, when it
// has the same model; else from 0) at that rate. The plan ramps by it.
func (st *Step) RampSeconds(prev *Step) float64 {
	if st.Ramp > 0 || st.RampRate <= 0 {
		return st.Ramp.Seconds()
	}
	from := 0.0
	if prev != nil && prev.Model == st.Model {
		from = prev.level()
	}
	return math.Abs(st.level()-from) / st.RampRate
}

// level is the step's users, or its rate for an open step.
func (st *Step) level() float64 {
	if st.Model == Open {
		return st.Rate
	}
	return float64(st.Users)
}

// checkTotalDuration reports the step at which the scenario's planned time
// (every ramp and duration, a ramp_rate's ramp computed as the plan does)
// passes MaxDuration: schedules are computed in time.Duration, and one
// process runs for at most a week.
func (l *loader) checkTotalDuration() hcl.Diagnostics {
	var total float64 // seconds
	var prev *Step
	for _, st := range l.s.Steps {
		total += st.RampSeconds(prev) + st.Duration.Seconds()
		prev = st
		if total > MaxDuration.Seconds() {
			r := st.DeclRange
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Scenario too long",
				Detail: fmt.Sprintf("By the end of step %q the scenario has run %s of ramps and steps; %s (one week) is the most one run may take. Shorten the steps or split the scenario.",
					st.Name, roundDuration(total), fmtDuration(MaxDuration)),
				Subject: &r,
			}}
		}
	}
	return nil
}

// roundDuration prints seconds as a duration to the second, or as hours
// when it would not fit in a time.Duration.
func roundDuration(secs float64) string {
	if secs >= float64(math.MaxInt64/int64(time.Second)) {
		return fmt.Sprintf("%.0fh", secs/3600)
	}
	return (time.Duration(secs) * time.Second).String()
}
