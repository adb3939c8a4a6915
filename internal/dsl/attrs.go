package dsl

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/gocty"
)

// attrs reads the evaluated attributes of one block. Every getter reports
// problems on the attribute's own expression range into diags and keeps
// going, so one block yields all of its diagnostics at once. A getter's bool
// result says whether the attribute was set to a usable value: presence, not
// value, is what tells "think = \"0s\"" from no think at all.
type attrs struct {
	m     hcl.Attributes
	ctx   *hcl.EvalContext
	diags hcl.Diagnostics
}

func newAttrs(m hcl.Attributes, ctx *hcl.EvalContext) *attrs {
	return &attrs{m: m, ctx: ctx}
}

// has reports whether name was written in the block.
func (a *attrs) has(name string) bool { return a.m[name] != nil }

// rng returns the expression range of name, or nil when it is absent.
func (a *attrs) rng(name string) *hcl.Range {
	if at := a.m[name]; at != nil {
		r := at.Expr.Range()
		return &r
	}
	return nil
}

// value evaluates name and converts it to ty. Null counts as unset.
func (a *attrs) value(name string, ty cty.Type) (cty.Value, bool) {
	at := a.m[name]
	if at == nil {
		return cty.NilVal, false
	}
	v, diags := at.Expr.Value(a.ctx)
	a.diags = append(a.diags, diags...)
	if diags.HasErrors() || v.IsNull() {
		return cty.NilVal, false
	}
	if !v.IsWhollyKnown() {
		// Only a variable that has no value yields unknowns, and that is
		// reported once where the variable is declared.
		return cty.NilVal, false
	}
	v, _ = v.Unmark()
	cv, err := convert.Convert(v, ty)
	if err != nil {
		a.errorf(name, "Incorrect attribute value type",
			"Inappropriate value for %s: %s.", name, err.Error())
		return cty.NilVal, false
	}
	return cv, true
}

func (a *attrs) errorf(name, summary, format string, args ...any) {
	a.diags = append(a.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  a.rng(name),
	})
}

func (a *attrs) warnf(name, summary, format string, args ...any) {
	a.diags = append(a.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  a.rng(name),
	})
}

// required reports a missing attribute on the block's range.
func (a *attrs) required(name, block string, blockRange hcl.Range) {
	if a.has(name) {
		return
	}
	r := blockRange
	a.diags = append(a.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Missing required argument",
		Detail:   fmt.Sprintf("The argument %q is required in a %s block; add %s = …", name, block, name),
		Subject:  &r,
	})
}

func (a *attrs) str(name string) (string, bool) {
	v, ok := a.value(name, cty.String)
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func (a *attrs) boolean(name string) (bool, bool) {
	v, ok := a.value(name, cty.Bool)
	if !ok {
		return false, false
	}
	return v.True(), true
}

func (a *attrs) number(name string) (float64, bool) {
	v, ok := a.value(name, cty.Number)
	if !ok {
		return 0, false
	}
	f, _ := v.AsBigFloat().Float64()
	return f, true
}

// positive reads a number that must be greater than zero.
func (a *attrs) positive(name string) (float64, bool) {
	f, ok := a.number(name)
	if ok && !(f > 0) {
		a.errorf(name, "Value must be positive", "%s must be greater than zero; got %s.", name, fmtNum(f))
		return 0, false
	}
	return f, ok
}

// positiveInt reads a whole number greater than zero and at most max, the
// most of what (users, requests in flight) one harness process holds.
func (a *attrs) positiveInt(name string, max int, what string) (int, bool) {
	f, ok := a.positive(name)
	if !ok {
		return 0, false
	}
	if f > float64(max) {
		a.errorf(name, "Value out of range",
			"%s = %s: at most %d %s per harness process; split larger loads across several processes.", name, fmtNum(f), max, what)
		return 0, false
	}
	if f != float64(int64(f)) {
		a.errorf(name, "Value must be a whole number", "%s must be a whole number; got %s.", name, fmtNum(f))
		return 0, false
	}
	return int(f), true
}

// perSecond reads a positive number of things per second that must lie
// within [MinRate, MaxRate]: below, the gap between events outlasts any
// run; above, one process cannot keep the schedule.
func (a *attrs) perSecond(name, what string) (float64, bool) {
	f, ok := a.positive(name)
	switch {
	case !ok:
		return 0, false
	case f < MinRate:
		a.errorf(name, "Value out of range",
			"%s = %s: at least %s %s per second (one every %s s).", name, fmtNum(f), fmtNum(MinRate), what, fmtNum(1/MinRate))
		return 0, false
	case f > MaxRate:
		a.errorf(name, "Value out of range",
			"%s = %s: at most %s %s per second per harness process; split larger loads across several processes.", name, fmtNum(f), fmtNum(MaxRate), what)
		return 0, false
	}
	return f, true
}

// duration reads a Go duration string ("500ms", "1m30s") of at most
// MaxDuration; negative is an error.
func (a *attrs) duration(name string) (time.Duration, bool) {
	s, ok := a.str(name)
	if !ok {
		return 0, false
	}
	d, err := parseDuration(s)
	if errors.Is(err, errDurationRange) && strings.HasPrefix(s, "-") {
		err, d = nil, -1
	}
	switch {
	case err == nil && d < 0:
		a.errorf(name, "Value must not be negative", "%s must not be negative; got %q.", name, s)
		return 0, false
	case errors.Is(err, errDurationRange) || err == nil && d > MaxDuration:
		a.errorf(name, "Value out of range",
			"%s = %q is longer than %s (one week), the longest a duration may be.", name, s, fmtDuration(MaxDuration))
		return 0, false
	case err != nil:
		a.errorf(name, "Invalid duration",
			"%s = %q is not a duration: write a number with a unit, such as \"500ms\", \"10s\" or \"1m30s\".", name, s)
		return 0, false
	}
	return d, true
}

// errDurationRange is parseDuration's error for a well-formed duration that
// does not fit in a time.Duration (about 292 years).
var errDurationRange = errors.New("duration out of range")

// durationSyntax is what time.ParseDuration accepts, so that a string it
// refuses can be told apart as malformed or merely too long.
var durationSyntax = regexp.MustCompile(`^[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$`)

// parseDuration is time.ParseDuration, whose one error text ("invalid
// duration") covers both a malformed string and an overflow; the latter
// returns errDurationRange.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil && durationSyntax.MatchString(s) {
		return 0, errDurationRange
	}
	return d, err
}

// fmtDuration prints a whole number of hours as "168h" rather than
// Duration.String's "168h0m0s".
func fmtDuration(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

// oneOf reads a string that must be one of options; use says what each
// means, for the message.
func (a *attrs) oneOf(name, summary, use string, options ...string) (string, bool) {
	s, ok := a.str(name)
	if !ok || slices.Contains(options, s) {
		return s, ok
	}
	a.errorf(name, summary, "%s = %q: use %s.%s", name, s, use, suggestSuffix(s, options))
	return "", false
}

// positiveDurationOr reads a duration that must be positive, falling back
// to def when it is absent or bad.
func (a *attrs) positiveDurationOr(name string, def time.Duration) time.Duration {
	if d, ok := a.positiveDuration(name); ok {
		return d
	}
	return def
}

// positiveDuration reads a duration that must be greater than zero.
func (a *attrs) positiveDuration(name string) (time.Duration, bool) {
	d, ok := a.duration(name)
	if ok && d == 0 {
		a.errorf(name, "Value must be positive", "%s must be longer than zero.", name)
		return 0, false
	}
	return d, ok
}

// list reads name as a list of elem into a []T. bad reports what gocty
// refused: an element that does not fit T (a null, a fraction).
func list[T any](a *attrs, name string, elem cty.Type, bad func(error)) ([]T, bool) {
	v, ok := a.value(name, cty.List(elem))
	if !ok {
		return nil, false
	}
	var out []T
	if err := gocty.FromCtyValue(v, &out); err != nil {
		bad(err)
		return nil, false
	}
	return out, true
}

// ints reads a list of whole numbers.
func (a *attrs) ints(name string) ([]int, bool) {
	return list[int](a, name, cty.Number, func(err error) {
		a.errorf(name, "Value must be a whole number", "Every element of %s must be a whole number: %s.", name, err.Error())
	})
}

// strs reads a list of strings.
func (a *attrs) strs(name string) ([]string, bool) {
	return list[string](a, name, cty.String, func(error) {
		a.errorf(name, "Invalid list element", "%s must not hold null.", name)
	})
}

// strMap reads a map of strings.
func (a *attrs) strMap(name string) (map[string]string, bool) {
	v, ok := a.value(name, cty.Map(cty.String))
	if !ok {
		return nil, false
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() {
			a.errorf(name, "Invalid map element", "%s[%q] must not be null.", name, k.AsString())
			return nil, false
		}
		out[k.AsString()] = e.AsString()
	}
	return out, true
}

// fmtNum prints a number as a user wrote it: no exponent for ordinary
// values (1000000, not 1e+06), an exponent for extreme ones (1e+300).
func fmtNum(f float64) string {
	if a := math.Abs(f); a >= 1e-4 && a < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
