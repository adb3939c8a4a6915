package dsl

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/harness-gpu/harness/internal/golden"
)

// goldenDiagFiles are the scenarios whose rendered diagnostics are pinned.
var goldenDiagFiles = []string{"testdata/errors/conditions.hcl", "testdata/errors/step_model.hcl", "testdata/errors/step_shape.hcl", "testdata/warnings/no_fail.hcl"}

func TestDiagnosticsGolden(t *testing.T) {
	for _, path := range goldenDiagFiles {
		s, diags := LoadFile(path, LoadOptions{Environ: noEnv})
		name := strings.TrimSuffix(filepath.Base(path), ".hcl")
		var text, js bytes.Buffer
		if err := WriteDiagnostics(&text, s.Files, diags, false); err != nil {
			t.Fatal(err)
		}
		if err := WriteDiagnosticsJSON(&js, s.Files, diags); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "diagnostics", name+".txt.golden"), text.Bytes())
		golden.Check(t, filepath.Join("testdata", "diagnostics", name+".json.golden"), js.Bytes())
	}
}

// TestDiagnosticValues checks that an assertion diagnostic carrying its
// expression and context shows the values it read, in text and JSON.
func TestDiagnosticValues(t *testing.T) {
	s := mustLoad(t, base+"step \"s\" {\n  users = 1\n  duration = \"1s\"\n}\n", LoadOptions{})
	a := findAssert(t, s, "p95", "")
	ctx := a.EvalCtx.NewChild()
	ctx.Variables = map[string]cty.Value{"latency": cty.ObjectVal(map[string]cty.Value{"p95": cty.NumberFloatVal(612.4)})}
	r := a.Condition.Range()
	diags := hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Assertion failed", Detail: "p95 too high",
		Subject: &r, Expression: a.Condition, EvalContext: ctx,
	}}
	var text, js bytes.Buffer
	if err := WriteDiagnostics(&text, s.Files, diags, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "latency.p95 as 612.4") || !strings.Contains(text.String(), ":4:28: error: Assertion failed\n") {
		t.Errorf("text:\n%s", text.String())
	}
	if err := WriteDiagnosticsJSON(&js, s.Files, diags); err != nil {
		t.Fatal(err)
	}
	var got jsonDiagnostics
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Valid || got.ErrorCount != 1 || got.Diagnostics[0].Snippet == nil ||
		!cmp.Equal(got.Diagnostics[0].Snippet.Values, []string{"latency.p95 as 612.4"}) {
		t.Errorf("json: %s", js.String())
	}
	var color bytes.Buffer
	_ = WriteDiagnostics(&color, s.Files, diags, true)
	if !strings.Contains(color.String(), ansiRed+"error"+ansiReset) {
		t.Errorf("color output lacks ANSI red: %q", color.String())
	}
}

// TestDiagnosticsJSONEmpty: no diagnostics is an empty list, never null.
func TestDiagnosticsJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDiagnosticsJSON(&b, nil, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"diagnostics": []`) || !strings.Contains(b.String(), `"valid": true`) {
		t.Errorf("got %s", b.String())
	}
}
