package assert

// Evaluating one assert's condition on one step window: the namespaces, the
// references resolved one by one, the status, the observed values and the
// message. verdict.go applies this to every step of a run.

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// outcome is one assert evaluated on one step window.
type outcome struct {
	status   Status
	observed map[string]any
	// causes says why the status is error, one entry per cause.
	causes  []string
	message string
	// custom is true when message is the assert's own rendered error_message.
	custom bool
}

// evalContext builds the context a condition is evaluated in: a child of the
// assert's own context (var, local, functions, and a dynamic block's
// iterator) holding the condition namespaces for this window.
func evalContext(a *dsl.Assert, vals map[string]cty.Value) *hcl.EvalContext {
	if a.EvalCtx == nil {
		return &hcl.EvalContext{Variables: vals}
	}
	ctx := a.EvalCtx.NewChild()
	ctx.Variables = vals
	return ctx
}

// evalAssert evaluates a on one step window.
//
// Every traversal the condition references is resolved on its own before the
// boolean is trusted: HCL short-circuits `||` and `&&`, so
// `requests.success_rate >= 1 || gpu.temperature.max < 80` is true with the
// GPU value unknown, and a typo on the skipped side never raises a
// diagnostic. Any such unknown or unresolvable reference makes the status
// error, whatever the boolean said.
func evalAssert(a *dsl.Assert, step result.Step, planned time.Duration) outcome {
	return evalAssertOver(a, Values(step, planned), step)
}

// evalAssertOver evaluates a over the namespaces vals; step names what they
// were taken from in messages.
func evalAssertOver(a *dsl.Assert, vals map[string]cty.Value, step result.Step) outcome {
	ctx := evalContext(a, vals)
	out := outcome{observed: map[string]any{}}
	if a.Condition == nil {
		out.status = StatusError
		out.causes = []string{"assert has no condition"}
		out.message = out.causes[0]
		return out
	}
	out.causes = resolveRefs(a.Condition, ctx, step, out.observed)
	out.status = decide(a.Condition, ctx, &out)
	if out.status == StatusFail || out.status == StatusError {
		out.message, out.custom = message(a, ctx, step, out)
	}
	return out
}

// resolveRefs resolves each traversal of expr against ctx, records its value
// in observed, and returns one cause per reference that is unknown or cannot
// be resolved.
func resolveRefs(expr hcl.Expression, ctx *hcl.EvalContext, step result.Step, observed map[string]any) []string {
	var causes []string
	for _, tr := range expr.Variables() {
		name := dsl.TraversalString(tr)
		if _, seen := observed[name]; seen {
			continue
		}
		v, diags := tr.TraverseAbs(ctx)
		switch {
		case diags.HasErrors():
			observed[name] = nil
			causes = append(causes, fmt.Sprintf("cannot read %s in step %s: %s%s",
				name, step.Name, diagText(diags), samplerNote(step, tr)))
		case !v.IsKnown():
			observed[name] = nil
			causes = append(causes, fmt.Sprintf("no samples for %s in step %s%s",
				name, step.Name, samplerNote(step, tr)))
		case name == NSStatusCodes:
			observed[name] = recordedCodes(step) // not the 500 implied zeros
		default:
			observed[name] = goValue(v)
		}
	}
	return causes
}

// recordedCodes is the observed form of the whole status_codes map: only the
// codes the step actually recorded.
func recordedCodes(step result.Step) map[string]any {
	m := make(map[string]any, len(step.StatusCodes))
	for k, n := range step.StatusCodes {
		m[k] = float64(n)
	}
	return m
}

// decide evaluates the condition and turns it into a status. A known false
// is fail; an evaluation diagnostic, a null, unknown or non-bool result, or
// any cause already found among the references is error.
func decide(expr hcl.Expression, ctx *hcl.EvalContext, out *outcome) Status {
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		if len(out.causes) == 0 { // else the reference causes already say it
			out.causes = append(out.causes, "cannot evaluate condition: "+diagText(diags))
		}
		return StatusError
	}
	if len(out.causes) > 0 {
		return StatusError
	}
	v, _ = v.UnmarkDeep()
	switch {
	case !v.IsKnown():
		out.causes = append(out.causes, "condition result is unknown")
	case v.IsNull():
		out.causes = append(out.causes, "condition result is null")
	case v.Type() != cty.Bool:
		out.causes = append(out.causes, "condition must be a bool, got "+v.Type().FriendlyName())
	case v.True():
		return StatusPass
	default:
		return StatusFail
	}
	return StatusError
}

// message renders the assert's error_message with the same values the
// condition saw. When there is none, or it cannot be rendered (it may read
// the very value that is missing), a default message says what happened.
// For an error the cause comes first: it is what the reader must fix.
func message(a *dsl.Assert, ctx *hcl.EvalContext, step result.Step, out outcome) (string, bool) {
	rendered, ok := renderMessage(a.ErrorMessage, ctx)
	if out.status == StatusError {
		cause := strings.Join(out.causes, "; ")
		if ok {
			return cause + "; " + rendered, true
		}
		return cause, false
	}
	if ok {
		return rendered, true
	}
	return fmt.Sprintf("assert %q failed in step %s: %s (%s)",
		a.Name, step.Name, a.ConditionSource, formatObserved(out.observed)), false
}

func renderMessage(expr hcl.Expression, ctx *hcl.EvalContext) (string, bool) {
	if expr == nil {
		return "", false
	}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return "", false
	}
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.AsString() == "" {
		return "", false
	}
	return s.AsString(), true
}

// diagText joins the error diagnostics' summaries and details on one line.
func diagText(diags hcl.Diagnostics) string {
	var parts []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		t := d.Summary
		if d.Detail != "" {
			t += ": " + strings.TrimSuffix(d.Detail, ".")
		}
		parts = append(parts, t)
	}
	return strings.Join(parts, "; ")
}

// samplerNote adds the reason a sampler had no data to a message about a
// name that reads it: the sampler named in sampler.NAME…, or every sampler
// of a kind that feeds the top-level gpu, gpus or triton namespace.
func samplerNote(step result.Step, tr hcl.Traversal) string {
	root := tr.RootName()
	var notes []string
	for _, name := range slices.Sorted(maps.Keys(step.Samplers)) {
		w := step.Samplers[name]
		if w.Error == "" || !feeds(root, tr, name, w.Kind) {
			continue
		}
		notes = append(notes, fmt.Sprintf("sampler %s: %s", name, w.Error))
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

func feeds(root string, tr hcl.Traversal, name, kind string) bool {
	switch root {
	case NSSampler:
		if len(tr) > 1 {
			if a, ok := tr[1].(hcl.TraverseAttr); ok {
				return a.Name == name
			}
		}
		return false
	case NSGPU, NSGPUs:
		return kind == string(dsl.SamplerNVML) || kind == string(dsl.SamplerDCGM) || kind == string(dsl.SamplerTriton)
	case NSTriton:
		return kind == string(dsl.SamplerTriton)
	}
	return false
}
