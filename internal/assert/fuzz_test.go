package assert

import (
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// FuzzEvaluate feeds arbitrary condition source through evaluation on a
// step with data and one without. It must never panic, and on the empty
// step nothing may pass while a name it read had no value: the property
// that missing data cannot let a threshold pass. Seeds: every condition name (docs/conditions.md)
// and testdata/fuzz/FuzzEvaluate (run by plain go test).
func FuzzEvaluate(f *testing.F) {
	for _, c := range everyName() {
		f.Add(c.name + " >= 0")
	}
	f.Add("requests.success_rate >= 1 || gpu.temperature.max < 80")
	f.Add(`status_codes["200"] > 0 && !(gpus[0].temperature.max > 80)`)
	full, empty := fullStep("s"), emptyStep("s")
	f.Fuzz(func(t *testing.T, src string) {
		expr, diags := hclsyntax.ParseExpression([]byte(src), "fuzz.hcl", hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			return
		}
		a := &dsl.Assert{Name: "fuzz", Condition: expr, ConditionSource: src, ErrorMessage: expr}
		evalAssert(a, full, time.Minute)
		out := evalAssert(a, empty, time.Minute)
		if out.status == StatusPass {
			for name, v := range out.observed {
				if v == nil {
					t.Fatalf("%q passed on the empty step with %s unknown", src, name)
				}
			}
		}
	})
}
