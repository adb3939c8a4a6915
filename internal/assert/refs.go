package assert

import (
	"maps"
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/result"
)

// goValue converts a cty value to the plain Go value stored in
// Assertion.Observed: float64, string, bool, nil for unknown or null, and
// maps/slices of those for objects and collections.
func goValue(v cty.Value) any {
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() || v.IsNull() {
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case ty == cty.String:
		return v.AsString()
	case ty == cty.Bool:
		return v.True()
	case ty.IsObjectType() || ty.IsMapType():
		m := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = goValue(e)
		}
		return m
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		s := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			s = append(s, goValue(e))
		}
		return s
	}
	return nil
}

// formatValue renders an observed value for messages as every report
// does (result.FormatValue), but nil as "unknown", which reads in a
// sentence.
func formatValue(v any) string {
	if v == nil {
		return "unknown"
	}
	return result.FormatValue(v)
}

// formatObserved renders "a = 1, b = 2" in key order.
func formatObserved(obs map[string]any) string {
	keys := slices.Sorted(maps.Keys(obs))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " = " + formatValue(obs[k])
	}
	return strings.Join(parts, ", ")
}
