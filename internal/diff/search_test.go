package diff

import (
	"bytes"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/result"
)

func searchFile(capacity float64, probes ...float64) *result.File {
	f := &result.File{Scenario: result.ScenarioInfo{Name: "s", SHA256: "x"}}
	for i, level := range probes {
		name := "max_users/0" + string(rune('1'+i))
		f.Steps = append(f.Steps, result.Step{Name: name, Users: int(level), Status: result.StepCompleted,
			Probe: &result.Probe{Search: "max_users", Number: i + 1, Level: level, Outcome: "pass"}})
	}
	ff := capacity + 8
	f.Searches = []result.Search{{Name: "max_users", Unit: "users", Status: result.SearchFound, Capacity: capacity, FirstFailing: &ff}}
	return f
}

func TestCapacityLeadsAndGates(t *testing.T) {
	cases := []struct {
		name       string
		base, cur  *result.File
		line       string
		regression bool
	}{
		{"higher capacity", searchFile(104, 10, 20), searchFile(236, 10, 20, 40), "search max_users: capacity 104 → 236 users, +127 %: improved", false},
		{"lower capacity fails the gate", searchFile(236, 10), searchFile(104, 10), "search max_users: capacity 236 → 104 users, -56 %: regressed", true},
		{"within the threshold", searchFile(100, 10), searchFile(98, 10), "search max_users: capacity 100 → 98 users, -2 %", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare("a.json", tc.base, "b.json", tc.cur, 0.05)
			if r.Regressed() != tc.regression {
				t.Errorf("Regressed = %v, want %v (%+v)", r.Regressed(), tc.regression, r.Capacity)
			}
			if len(r.Steps) != 0 || len(r.OnlyInBase) != 0 || len(r.OnlyInNew) != 0 {
				t.Errorf("probe steps compared level by level: %+v %v %v", r.Steps, r.OnlyInBase, r.OnlyInNew)
			}
			var b bytes.Buffer
			if err := WriteText(&b, r); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			i := strings.Index(out, tc.line)
			if i < 0 || strings.Contains(out[:i], "\nstep ") {
				t.Errorf("text does not lead with %q:\n%s", tc.line, out)
			}
		})
	}
}
