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

// The capacity line says what a request cost at each capacity: the energy
// per request of the passing probe at that level, not of another probe.
func TestCapacityEnergy(t *testing.T) {
	withEnergy := func(f *result.File, jpr map[float64]float64) *result.File {
		for i := range f.Steps {
			if j, ok := jpr[f.Steps[i].Probe.Level]; ok {
				f.Steps[i].Efficiency = &result.Efficiency{JoulesPerRequest: &j}
			}
		}
		return f
	}
	// The probe at 15 ran after the one at 20 (bisecting): still 20's.
	base := withEnergy(searchFile(20, 10, 20, 15), map[float64]float64{10: 2.1, 20: 1.48, 15: 1.7})
	cur := withEnergy(searchFile(40, 10, 20, 40), map[float64]float64{10: 4, 20: 3, 40: 2.59})
	r := Compare("a.json", base, "b.json", cur, 0.05)
	var b bytes.Buffer
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	if want := "capacity 20 → 40 users, +100 %: improved; J per request at capacity 1.48 → 2.59"; !strings.Contains(b.String(), want) {
		t.Errorf("text lacks %q:\n%s", want, b.String())
	}
	// Without GPU energy the line says nothing of it.
	r = Compare("a.json", searchFile(20, 20), "b.json", searchFile(40, 40), 0.05)
	if c := r.Capacity[0]; c.BaseJoulesPerRequest != nil || strings.Contains(c.Sentence(), "J per request") {
		t.Errorf("no energy: %+v, %q", c, c.Sentence())
	}
}
