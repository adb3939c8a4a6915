package htmlreport

import (
	"regexp"
	"strings"
	"testing"
)

// TestStepsTable: each file's steps show req/s, p95, GPU energy and joules
// per request side by side; energy integrated from power is marked, and
// unknown values are a dash, never 0.
func TestStepsTable(t *testing.T) {
	in := loadInputs(t, fixtures...)
	f := in[1].File // rtx5090
	f.Steps[0].GPU.EnergySource = "power_integral"
	f.Steps[1].Efficiency = nil
	f.Steps[2].GPU, f.Steps[2].GPUs, f.Steps[2].Efficiency = nil, nil, nil // no GPU sampler
	page := render(t, in)
	if n := strings.Count(page, `<table class="steps">`); n != 2 {
		t.Fatalf("%d steps tables, want one per file (2)", n)
	}
	row := func(file int, step string) string {
		tables := strings.Split(page, `<table class="steps">`)
		m := regexp.MustCompile(`<tr><th><code>` + step + `</code></th>.*?</tr>`).FindString(tables[file+1])
		if m == "" {
			t.Fatalf("file %d has no row for %s", file, step)
		}
		return m
	}
	cell := func(v string) string { return `<td class="num">` + v }
	dash := `<td class="na">–</td>`
	for _, c := range []struct {
		file       int
		step       string
		want, lack []string
	}{
		// 3060 users_1: 32 W over 20 s for 10 ok requests.
		{0, "users_1", []string{cell("0.5</td>"), cell("640</td>") + cell("64.0</td>") + cell("64.0</td>")}, []string{"*", dash}},
		// 171 W over 20 s for 1189 ok requests of 1236.
		{0, "users_200", []string{cell("61.8</td>"), cell("3420</td>") + cell("2.88</td>")}, []string{dash}},
		{1, "users_1", []string{cell("900") + `<span title="from power samples">*</span>`, cell("90.0</td>")}, nil},
		{1, "users_10", []string{cell("1900</td>") + dash + dash}, nil},
		{1, "users_25", []string{dash + dash + dash}, nil},
	} {
		r := row(c.file, c.step)
		for _, w := range c.want {
			if !strings.Contains(r, w) {
				t.Errorf("file %d %s: row lacks %q:\n%s", c.file, c.step, w, r)
			}
		}
		for _, l := range c.lack {
			if strings.Contains(r, l) {
				t.Errorf("file %d %s: row has %q:\n%s", c.file, c.step, l, r)
			}
		}
	}
}
