package assert

import (
	"slices"
	"testing"
	"time"

	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

const searchScenario = `
scenario { name = "t" }
target "api" { url = "http://127.0.0.1:9/" }
assert "p95" { condition = latency.p95 < 500 }
assert "temp" {
  condition = gpu.temperature.max < 2000
  severity  = "warn"
}
assert "floor" { condition = search.max_users.capacity >= 100 }
step "warm" {
  users    = 1
  duration = "1s"
}
search "max_users" {
  model   = "users"
  pace    = "2s"
  start   = 10
  max     = 200
  asserts = ["p95", "temp"]
}
`

func loadSearch(t *testing.T) *dsl.Scenario {
	t.Helper()
	s, diags := dsl.LoadBytes("t.hcl", []byte(searchScenario), dsl.LoadOptions{Environ: func() []string { return nil }})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return s
}

// TestEvaluateWithSearch: probe steps never enter the run's verdict, the
// search's assert is evaluated once over its answer, and step asserts
// never read search.*.
func TestEvaluateWithSearch(t *testing.T) {
	s := loadSearch(t)
	probe := fullStep("max_users/01")
	probe.Latency.P95 = fp(900)
	probe.Probe = &result.Probe{Search: "max_users", Number: 1, Level: 100, Outcome: "fail"}
	ff := 120.0
	cases := []struct {
		name     string
		searches []result.Search
		want     []string
		verdict  result.Verdict
	}{
		{"capacity above the floor", []result.Search{{Name: "max_users", Status: result.SearchFound, Capacity: 104, FirstFailing: &ff}},
			[]string{"p95@warm=pass", "temp@warm=pass", "floor@search max_users=pass"}, result.VerdictPass},
		{"capacity under the floor", []result.Search{{Name: "max_users", Status: result.SearchFound, Capacity: 90, FirstFailing: &ff}},
			[]string{"p95@warm=pass", "temp@warm=pass", "floor@search max_users=fail"}, result.VerdictFail},
		{"search did not run", nil,
			[]string{"p95@warm=pass", "temp@warm=pass", "floor@search max_users=error"}, result.VerdictFail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &result.File{Steps: []result.Step{fullStep("warm"), probe}, Searches: tc.searches}
			Evaluate(s, f)
			if got := statuses(f); !slices.Equal(got, tc.want) || f.Verdict != tc.verdict {
				t.Errorf("assertions %v, verdict %s; want %v, %s", got, f.Verdict, tc.want, tc.verdict)
			}
		})
	}
}

// TestJudgeProbe: a probe passes when every chosen assert passes; an error
// (a value with no samples) or no successful request is a failure, and a
// warn-severity assert chosen by the search judges the probe too.
func TestJudgeProbe(t *testing.T) {
	s := loadSearch(t)
	asserts := s.Searches[0].Asserts
	ok := fullStep("max_users/01")
	slow := fullStep("max_users/02")
	slow.Latency.P95 = fp(612.4)
	noGPU := fullStep("max_users/03")
	noGPU.GPU = nil
	none := fullStep("max_users/04")
	none.Requests.OK, none.Latency = 0, result.Latency{}
	hot := fullStep("max_users/05")
	hot.GPU.Temperature.Max = fp(2500)
	for _, tc := range []struct {
		st   result.Step
		pass bool
	}{{ok, true}, {slow, false}, {noGPU, false}, {none, false}, {hot, false}} {
		pass, entries := JudgeProbe(s, asserts, tc.st, time.Second)
		if pass != tc.pass {
			t.Errorf("%s: pass = %v, want %v (%+v)", tc.st.Name, pass, tc.pass, entries)
		}
	}
}

// TestSearchValuesBreached: search.NAME.breached lists the names of the
// assertions that failed at first_failing (empty when none did), and is
// unknown when the search did not run.
func TestSearchValuesBreached(t *testing.T) {
	s := loadSearch(t)
	cases := []struct {
		name     string
		searches []result.Search
		want     string
	}{
		{"two breached", []result.Search{{Name: "max_users", Breached: []result.Assertion{{Name: "p95"}, {Name: "temp"}}}}, `["p95","temp"]`},
		{"none breached", []result.Search{{Name: "max_users", Status: result.SearchAboveMax}}, `[]`},
		{"did not run", nil, "unknown"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := SearchValues(s, tc.searches).GetAttr("max_users").GetAttr("breached")
			got := "unknown"
			if v.IsKnown() {
				b, err := ctyjson.Marshal(v, v.Type())
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("breached = %s, want %s", got, tc.want)
			}
		})
	}
}
