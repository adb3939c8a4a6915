package assert

// Capacity searches: judging a probe by the search's assertions, and the
// asserts over search.NAME, evaluated once after the searches.

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// NSSearch is the namespace of the capacity searches' answers.
const NSSearch = "search"

// JudgeProbe evaluates the asserts named in asserts on a probe step whose
// planned window is planned. The probe passes when every one passes; an
// error is a failure, and so is a probe with no successful request.
func JudgeProbe(s *dsl.Scenario, asserts []string, st result.Step, planned time.Duration) (bool, []result.Assertion) {
	pass := true
	var out []result.Assertion
	for _, name := range asserts {
		for _, a := range s.Asserts {
			if a.Name != name || a.Step != "" {
				continue
			}
			e := evaluateOn(a, st, planned)
			pass = pass && e.Status == result.StatusPass
			out = append(out, e)
		}
	}
	if noSuccess(st) {
		pass = false
		out = append(out, noSuccessEntry(st))
	}
	return pass, out
}

// evaluateSearchAsserts evaluates each assert that reads search.* once, over
// f.Searches. A search that did not run leaves its fields unknown, so what
// reads it errors.
func evaluateSearchAsserts(s *dsl.Scenario, f *result.File) []result.Assertion {
	var out []result.Assertion
	vals := map[string]cty.Value{NSSearch: SearchValues(s, f.Searches)}
	for _, a := range s.Asserts {
		if !a.ReadsSearch() {
			continue
		}
		name := "searches"
		if n := searchRead(a); n != "" {
			name = "search " + n
		}
		ra := result.Assertion{
			Name: a.Name, Step: name, Severity: severity(a), Condition: a.ConditionSource,
			Range: rangeString(a),
		}
		o := evalAssertOver(a, vals, result.Step{Name: name})
		ra.Status, ra.Observed, ra.Message = o.status.Result(), o.observed, o.message
		out = append(out, ra)
	}
	return out
}

// searchRead is the first search a reads.
func searchRead(a *dsl.Assert) string {
	for _, t := range a.Condition.Variables() {
		if t.RootName() != NSSearch || len(t) < 2 {
			continue
		}
		if at, ok := t[1].(hcl.TraverseAttr); ok {
			return at.Name
		}
	}
	return ""
}

// SearchValues is the `search` namespace: search.NAME for every search of
// s, its fields from the matching entry of results, unknown when the
// search did not run (or a field has no value: first_failing when max
// passed, throughput_at_capacity when nothing passed).
func SearchValues(s *dsl.Scenario, results []result.Search) cty.Value {
	m := map[string]cty.Value{}
	for _, sr := range s.Searches {
		var r *result.Search
		for i := range results {
			if results[i].Name == sr.Name {
				r = &results[i]
			}
		}
		fields := map[string]cty.Value{}
		for _, f := range dsl.SearchResultFields {
			fields[f] = cty.UnknownVal(dsl.SearchResultType.AttributeType(f))
		}
		if r != nil {
			fields["capacity"] = numF(r.Capacity)
			fields["first_failing"] = num(r.FirstFailing)
			fields["status"] = cty.StringVal(r.Status)
			fields["probes"] = numF(float64(r.Probes))
			fields["unstable_probes"] = numF(float64(r.UnstableProbes))
			fields["breached"] = breachedNames(r.Breached)
			fields["throughput_at_capacity"] = num(r.ThroughputAtCapacity)
		}
		m[sr.Name] = cty.ObjectVal(fields)
	}
	return cty.ObjectVal(m)
}

// breachedNames is search.NAME.breached: the names of the assertions that
// failed at first_failing, in the order the results file lists them.
func breachedNames(as []result.Assertion) cty.Value {
	if len(as) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	names := make([]cty.Value, len(as))
	for i, a := range as {
		names[i] = cty.StringVal(a.Name)
	}
	return cty.ListVal(names)
}
