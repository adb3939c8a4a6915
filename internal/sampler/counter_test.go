package sampler

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// increaseCase is one block of testdata/increase.txt.
type increaseCase struct {
	name   string
	want   *float64
	series map[string][]string // series name → values per scrape ("_" = absent)
	order  []string
}

func readIncreaseCases(t *testing.T) []*increaseCase {
	t.Helper()
	b, err := os.ReadFile("testdata/increase.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []*increaseCase
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case f[0] == "case":
			c := &increaseCase{name: f[1], series: map[string][]string{}}
			if w := strings.TrimPrefix(f[2], "want="); w != "unknown" {
				v, err := strconv.ParseFloat(w, 64)
				if err != nil {
					t.Fatalf("case %s: %v", f[1], err)
				}
				c.want = &v
			}
			cases = append(cases, c)
		default:
			c := cases[len(cases)-1]
			c.series[f[0]] = f[1:]
			c.order = append(c.order, f[0])
		}
	}
	return cases
}

// storeOf puts a case's scrapes into a store, one second apart, as the
// counter field "success" (the case's "other" series under another field).
func (c *increaseCase) store(t *testing.T) *store {
	st := newStore()
	n := 0
	for _, vals := range c.series {
		n = max(n, len(vals))
	}
	for i := range n {
		var r Reading
		for _, name := range c.order {
			vals := c.series[name]
			if i >= len(vals) || vals[i] == "_" {
				continue
			}
			v, err := strconv.ParseFloat(vals[i], 64)
			if err != nil {
				t.Fatalf("case %s: %v", c.name, err)
			}
			field := tSuccess
			if name == "other" {
				field = tFailure
			}
			r.Points = append(r.Points, Point{Class: classCounter, Field: field, Entity: name, Value: v})
		}
		st.add(at(float64(i)), r)
	}
	return st
}

func TestIncreaseCases(t *testing.T) {
	cases := readIncreaseCases(t)
	if len(cases) < 8 {
		t.Fatalf("read %d cases from testdata/increase.txt", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := c.store(t).window(at(0), at(100))
			got := v.sumIncrease(tSuccess)
			if (got == nil) != (c.want == nil) || (got != nil && math.Abs(*got-*c.want) > 1e-9) {
				t.Errorf("sumIncrease(%v) = %v, want %v", c.series, deref(got), deref(c.want))
			}
		})
	}
}

func TestWindowBoundsInclusive(t *testing.T) {
	st := newStore()
	for i, v := range []float64{0, 10, 20, 30} {
		st.add(at(float64(i)), Reading{Points: []Point{{Class: classCounter, Field: tSuccess, Value: v}}})
	}
	// [1, 2] holds the scrapes at 1 and 2: delta 10. [2, 3]: 10. The shared
	// scrape at 2 belongs to both, so the two windows add up to [1, 3].
	for _, c := range []struct {
		from, to float64
		want     any
	}{{1, 2, 10.0}, {2, 3, 10.0}, {1, 3, 20.0}, {1.5, 2.5, nil}, {-5, 0, nil}} {
		if got := deref(st.window(at(c.from), at(c.to)).sumIncrease(tSuccess)); got != c.want {
			t.Errorf("window [%v, %v] increase = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestGaugeStat(t *testing.T) {
	vals := make([]float64, 0, 20)
	for i := 1; i <= 20; i++ {
		vals = append(vals, float64(i))
	}
	vals[0], vals[19] = 20, 1 // last is 1, order must not matter for p95
	s := gaugeStat(vals)
	got := []any{deref(s.Min), deref(s.Mean), deref(s.Max), deref(s.Last), deref(s.P95)}
	want := []any{1.0, 10.5, 20.0, 1.0, 19.0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("min/mean/max/last/p95 = %v, want %v", got, want)
			break
		}
	}
	if e := gaugeStat(nil); e.Min != nil || e.Mean != nil || e.Max != nil || e.Last != nil || e.P95 != nil {
		t.Errorf("no samples gave %+v, want all nil (unknown)", e)
	}
	if one := gaugeStat([]float64{7}); *one.P95 != 7 || *one.Last != 7 {
		t.Errorf("one sample: %+v", one)
	}
}
