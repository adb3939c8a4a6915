package dsl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
)

const searchBase = base + `
assert "floor" { condition = search.max_users.capacity >= 100 }
`

func TestSearchDecodes(t *testing.T) {
	src := searchBase + `
step "warm" {
  users    = 5
  pace     = "2s"
  duration = "10s"
}
search "max_users" {
  model = "users"
  pace  = "2s"
  start = 10
  max   = 2000
}
step "after" {
  rate     = 5
  duration = "10s"
}
`
	s := mustLoad(t, src, LoadOptions{})
	if len(s.Searches) != 1 {
		t.Fatalf("searches = %d", len(s.Searches))
	}
	got := *s.Searches[0]
	got.DeclRange = hcl.Range{}
	want := Search{
		Name: "max_users", Target: "api", Model: Closed, Pace: 2 * time.Second,
		Start: 10, Max: 2000, Growth: 2, Precision: 0.05, Ramp: 5 * time.Second, Duration: 30 * time.Second,
		Asserts: []string{"p95"}, After: 1,
	}
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("search =\n%+v\nwant\n%+v", got, want)
	}
	if !findAssert(t, s, "floor", "").ReadsSearch() || findAssert(t, s, "p95", "").ReadsSearch() {
		t.Error("ReadsSearch is wrong")
	}
}

// TestSearchResultFields: every field of search.NAME is readable in a
// condition with its type, breached as a list of assertion names.
func TestSearchResultFields(t *testing.T) {
	const search = `search "max_users" {
  model = "users"
  pace  = "2s"
  start = 10
  max   = 2000
}
`
	for _, cond := range []string{
		`search.max_users.capacity >= 100`,
		`search.max_users.first_failing > 0`,
		`search.max_users.status == "found"`,
		`search.max_users.probes < 20`,
		`search.max_users.unstable_probes == 0`,
		`!contains(search.max_users.breached, "p95")`,
		`length(search.max_users.breached) == 0`,
		`search.max_users.throughput_at_capacity > 10`,
	} {
		t.Run(cond, func(t *testing.T) {
			mustLoad(t, base+"assert \"floor\" { condition = "+cond+" }\n"+search, LoadOptions{})
		})
	}
	if len(SearchResultFields) != len(SearchResultType.AttributeTypes()) {
		t.Errorf("SearchResultFields %v does not list every field of SearchResultType", SearchResultFields)
	}
}

// TestSearchOnly: a scenario may hold a search and no step.
func TestSearchOnly(t *testing.T) {
	s := mustLoad(t, searchBase+`search "max_users" {
  model = "rate"
  start = 1.5
  max   = 40
  growth = 1.5
  precision = 0.1
  ramp = "0s"
  duration = "5s"
  cooldown = "1s"
  asserts = ["p95"]
}
`, LoadOptions{})
	sr := s.Searches[0]
	if sr.Model != Open || sr.Start != 1.5 || sr.Growth != 1.5 || sr.Precision != 0.1 || sr.Ramp != 0 || sr.Cooldown != time.Second || !sr.AssertsSet || sr.Unit() != "req/s" {
		t.Errorf("search = %+v", sr)
	}
}

func TestSearchDiagnostics(t *testing.T) {
	search := func(body string) string {
		return searchBase + "search \"max_users\" {\n" + body + "\n}\n"
	}
	cases := []struct {
		name, src string
		want      string // "line:col: summary"
	}{
		{"start above max", search(`model = "users"
pace = "2s"
start = 300
max = 200`), "10:9: Search starts above its max"},
		{"growth at 1", search(`model = "rate"
start = 1
max = 20
growth = 1`), "11:10: Invalid growth"},
		{"precision zero", search(`model = "rate"
start = 1
max = 20
precision = 0`), "11:13: Invalid precision"},
		{"precision above a half", search(`model = "rate"
start = 1
max = 20
precision = 0.6`), "11:13: Invalid precision"},
		{"users without pace or think", search(`model = "users"
start = 1
max = 20`), "8:9: Search without pace or think"},
		{"pace with rate", search(`model = "rate"
pace = "1s"
start = 1
max = 20`), "9:8: Argument not allowed with rate"},
		{"fractional users", search(`model = "users"
think = "1s"
start = 1.5
max = 20`), "10:9: Value must be a whole number"},
		{"unknown assert", search(`model = "rate"
start = 1
max = 20
asserts = ["p59"]`), "11:11: Unknown assert in search"},
		{"search assert as a probe assert", search(`model = "rate"
start = 1
max = 20
asserts = ["floor"]`), "11:11: Search assert reads a search result"},
		{"unknown search", base + `assert "floor" { condition = search.max_user.capacity >= 100 }
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "5:36: Unknown field in condition"},
		{"unknown search field", base + `assert "floor" { condition = search.max_users.knee >= 100 }
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "5:46: Unknown field in condition"},
		{"search without any search block", base + `assert "floor" { condition = search.x.capacity >= 100 }
step "s" {
  users = 1
  duration = "1s"
}`, "5:36: Unknown field in condition"},
		{"mixed with a step value", base + `assert "floor" { condition = search.max_users.capacity >= 100 && latency.p95 < 9 }
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "5:66: Search result mixed with step values"},
		{"search result per step", base + `assert "floor" {
  condition = search.max_users.capacity >= 100
  steps = ["s"]
}
step "s" {
  users = 1
  duration = "1s"
}
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "7:11: Steps of a search assert"},
		{"abort on a search result", base + `assert "floor" {
  condition = search.max_users.capacity >= 100
  abort = true
}
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "6:15: abort on a search result"},
		{"no probe assert", `
scenario { name = "t" }
target "api" { url = "http://127.0.0.1:8000/x" }
assert "floor" { condition = search.max_users.capacity >= 100 }
search "max_users" {
  model = "rate"
  start = 1
  max = 20
}`, "6:11: Search without assertions"},
		{"unknown search target", search(`model = "rate"
start = 1
max = 20
target = "apj"`), "11:10: Unknown target"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := LoadBytes("t.hcl", []byte(tc.src), LoadOptions{Environ: noEnv})
			var got []string
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				at := ""
				if d.Subject != nil {
					at = fmt.Sprintf("%d:%d: ", d.Subject.Start.Line, d.Subject.Start.Column)
				}
				got = append(got, at+d.Summary)
			}
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("errors = %q, want [%q]\n%s", got, tc.want, diags.Error())
			}
		})
	}
}

// TestSearchUngatedWarns: a search nothing asserts on draws a warning.
func TestSearchUngatedWarns(t *testing.T) {
	_, diags := LoadBytes("t.hcl", []byte(base+`search "max_users" {
  model = "rate"
  start = 1
  max = 20
}
`), LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var warned bool
	for _, d := range diags {
		warned = warned || (d.Severity == hcl.DiagWarning && strings.Contains(d.Summary, "no assertion over its result"))
	}
	if !warned {
		t.Errorf("no warning: %v", diags)
	}
}
