package sampler

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// extremePage is a legal exposition page whose values a naive window
// overflows: a gauge of +Inf, a gauge whose two label sets sum past
// MaxFloat64 at the scrape, a gauge of 1.7e308 (its window sum overflows) and
// a counter that swings from -1.7e308 to 1.7e308 (its increase overflows).
func extremePage(n int64) string {
	sign := "-"
	if n%2 == 0 {
		sign = ""
	}
	return fmt.Sprintf(`# TYPE g_inf gauge
g_inf +Inf
# TYPE g_pair gauge
g_pair{a="1"} 1.7e308
g_pair{a="2"} 1.7e308
# TYPE g_big gauge
g_big 1.7e308
# TYPE g_small gauge
g_small 2
# TYPE c_swing counter
c_swing %s1.7e308
`, sign)
}

func extremeServer(t *testing.T, page func(n int64) string) *httptest.Server {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write([]byte(page(n.Add(1))))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// promGroup starts a group of one prometheus sampler on url, stamped by a
// clock that advances one second per sample.
func promGroup(t *testing.T, url string, series ...*dsl.Series) *Group {
	t.Helper()
	c := cfg(dsl.SamplerPrometheus, "prom", false)
	c.URL, c.Timeout, c.Series = url, 5*time.Second, series
	var tick atomic.Int64
	return startGroup(t, Options{Now: func() time.Time { return at(float64(tick.Add(1))) }}, c)
}

// A page with +Inf and 1.7e308 must not give a non-finite window value:
// such a value cannot be written to the results file. What cannot be known
// is nil; what can (1.7e308's mean, the finite gauge) is kept.
func TestNonFiniteValuesNeverReachAWindow(t *testing.T) {
	srv := extremeServer(t, extremePage)
	g := promGroup(t, srv.URL,
		&dsl.Series{Name: "inf", Metric: "g_inf"},
		&dsl.Series{Name: "pair", Metric: "g_pair"},
		&dsl.Series{Name: "big", Metric: "g_big"},
		&dsl.Series{Name: "small", Metric: "g_small"},
		&dsl.Series{Name: "swing", Metric: "c_swing", Kind: dsl.SeriesCounter},
	)
	for range 4 {
		g.SampleNow(context.Background())
	}
	agg := g.Window(at(0), at(100))
	series := agg.Samplers["prom"].Series
	for name, st := range series {
		for field, v := range map[string]*float64{"min": st.Min, "mean": st.Mean, "max": st.Max, "last": st.Last,
			"p95": st.P95, "delta": st.Delta, "rate": st.Rate} {
			if v != nil && (math.IsInf(*v, 0) || math.IsNaN(*v)) {
				t.Errorf("series %s %s = %v, want a finite value or nil (unknown)", name, field, *v)
			}
		}
	}
	if _, err := json.Marshal(agg); err != nil {
		t.Errorf("the window cannot be encoded: %v", err)
	}
	for name, want := range map[string]any{"big": 1.7e308, "small": 2.0, "inf": nil, "pair": nil} {
		if got := deref(series[name].Mean); got != want {
			t.Errorf("series %s mean = %v, want %v", name, got, want)
		}
	}
	if d := series["swing"].Delta; d != nil {
		t.Errorf("swing delta = %v, want nil: the increase overflows", *d)
	}
	for k, v := range g.Latest() {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			t.Errorf("Latest[%s] = %v", k, v)
		}
	}
	info := g.Infos()[0]
	if info.Samples != 4 || info.Gaps != 0 || len(info.FirstErrors) == 0 || !strings.Contains(strings.Join(info.FirstErrors, "|"), "not finite") {
		t.Errorf("info = %+v, want 4 samples, no gaps, a 'not finite' note", info)
	}
}

// A sample whose every value is non-finite holds nothing: it is a gap.
func TestAllNonFiniteSampleIsAGap(t *testing.T) {
	srv := extremeServer(t, func(int64) string { return "# TYPE g_inf gauge\ng_inf +Inf\n" })
	g := promGroup(t, srv.URL, &dsl.Series{Name: "inf", Metric: "g_inf"})
	for range 3 {
		g.SampleNow(context.Background())
	}
	info := g.Infos()[0]
	if info.Samples != 0 || info.Gaps != 3 {
		t.Errorf("samples %d, gaps %d; want 0 and 3", info.Samples, info.Gaps)
	}
	if w := g.Window(at(0), at(100)).Samplers["prom"]; w.Series["inf"].Last != nil || w.Gaps != 3 {
		t.Errorf("window = %+v", w)
	}
}

// gaugeStat never overflows on finite input.
func TestGaugeStatHuge(t *testing.T) {
	s := gaugeStat([]float64{math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64})
	if s.Mean == nil || *s.Mean != math.MaxFloat64/2 {
		t.Errorf("mean = %v, want %v", deref(s.Mean), math.MaxFloat64/2)
	}
}

var _ = result.Stat{}
