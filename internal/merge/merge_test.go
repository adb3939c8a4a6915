package merge

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/google/go-cmp/cmp"

	"github.com/harness-gpu/harness/internal/result"
)

var t0 = time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)

// sample is one synthetic request: its latency (µs), start second, outcome
// and extracted value.
type sample struct {
	us     int64
	sec    int
	failed bool
	tokens float64
}

func samples(n int, seed uint64) []sample {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]sample, n)
	for i := range out {
		// A long-tailed latency: most around 20 ms, some up to seconds.
		us := int64(20000*r.ExpFloat64()) + 500
		if r.IntN(50) == 0 {
			us *= 40
		}
		out[i] = sample{us: us, sec: r.IntN(5), failed: r.IntN(40) == 0, tokens: float64(r.IntN(4000)) / 7}
	}
	return out
}

func mustEncode(t *testing.T, h *hdr.Histogram) string {
	t.Helper()
	enc, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	return string(enc)
}

// fileOf builds the results file a run that saw ss would write, with the
// runner's histogram geometry (µs 1 to 1 h, 3 significant digits), starting
// at t0 plus skew.
func fileOf(t *testing.T, ss []sample, seg *result.Segment, skew time.Duration) *result.File {
	t.Helper()
	lat := hdr.New(1, int64(time.Hour/time.Microsecond), 3)
	ext := hdr.New(1, 1e12, 3)
	st := result.Step{Name: "s", Model: result.ModelOpen, Target: "t", Rate: 10, Status: result.StepCompleted,
		StatusCodes: map[string]int64{}, Series: []result.Second{}}
	start := t0.Add(skew)
	st.Measured = result.Window{Start: start, End: start.Add(5 * time.Second), DurationS: 5}
	secs := make([]result.Second, 5)
	for i := range secs {
		secs[i] = result.Second{T: start.Add(time.Duration(i) * time.Second), Phase: result.PhaseMeasured}
	}
	x := result.Extract{}
	var sum float64
	for _, s := range ss {
		st.Requests.Total++
		secs[s.sec].Requests++
		if s.failed {
			st.Requests.Failed++
			st.StatusCodes["500"]++
			secs[s.sec].Failed++
			continue
		}
		st.Requests.OK++
		st.StatusCodes["200"]++
		secs[s.sec].OK++
		if err := lat.RecordValue(s.us); err != nil {
			t.Fatal(err)
		}
		if err := ext.RecordValue(int64(s.tokens*1000 + 0.5)); err != nil {
			t.Fatal(err)
		}
		x.Min, x.Max = minPtr(x.Min, &s.tokens), maxPtr(x.Max, &s.tokens)
		x.Count++
		sum += s.tokens
	}
	st.Requests.RPS = float64(st.Requests.Total) / 5
	// The target's slo: an ok request within 50 ms.
	var met int64
	for _, s := range ss {
		if !s.failed && s.us <= 50000 {
			met++
		}
	}
	goodput := float64(met) / 5
	st.Requests.Goodput = &goodput
	if st.Requests.Total > 0 {
		att := float64(met) / float64(st.Requests.Total)
		st.Requests.SLOAttainment = &att
	}
	st.Latency = result.HistogramLatency(lat)
	st.Histogram = mustEncode(t, lat)
	st.SendHistogram = st.Histogram
	if x.Count > 0 {
		mean := sum / float64(x.Count)
		x.Mean = &mean
		x.Histogram = mustEncode(t, ext)
		q := func(p float64) *float64 {
			v := min(max(float64(ext.ValueAtQuantile(p))/1000, *x.Min), *x.Max)
			return &v
		}
		x.P50, x.P90, x.P95, x.P99 = q(50), q(90), q(95), q(99)
	}
	st.Extract = map[string]result.Extract{"tokens": x}
	st.Series = secs
	// A streaming target's view of the same requests: the latency's first
	// fifth is the time to first token, the extracted value the output tokens.
	var ttft, out []float64
	var outTotal int64
	for _, s := range ss {
		if !s.failed {
			ttft = append(ttft, float64(s.us)/5000)
			out = append(out, math.Round(s.tokens))
			outTotal += int64(math.Round(s.tokens))
		}
	}
	tps := float64(outTotal) / 5
	st.Stream = &result.Stream{TTFT: distOf(t, ttft), OutputTokens: distOf(t, out), TotalOutputTokens: outTotal,
		TokensPerS: &tps, TokenSource: "usage"}
	return &result.File{
		Schema:      result.Schema,
		Scenario:    result.ScenarioInfo{Name: "m", File: "m.hcl", SHA256: "abc123", Variables: map[string]string{"users": "10"}},
		Environment: result.Environment{Host: "host-" + strings.Repeat("x", 1+int(skew/time.Millisecond)%3)},
		StartedAt:   start, EndedAt: start.Add(5 * time.Second),
		Steps:   []result.Step{st},
		Segment: seg,
	}
}

// distOf summarises vs as the runner does: exact extremes and mean, the
// percentiles from a histogram of the values ×1000.
func distOf(t *testing.T, vs []float64) result.Dist {
	t.Helper()
	if len(vs) == 0 {
		return result.Dist{}
	}
	h := hdr.New(1, 1e12, 3)
	x := result.Extract{Count: int64(len(vs))}
	var sum float64
	for _, v := range vs {
		if err := h.RecordValue(int64(v*result.ExtractScale + 0.5)); err != nil {
			t.Fatal(err)
		}
		x.Min, x.Max = minPtr(x.Min, &v), maxPtr(x.Max, &v)
		sum += v
	}
	mean := sum / float64(len(vs))
	x.Mean = &mean
	x.SetPercentiles(h)
	x.Histogram = mustEncode(t, h)
	return result.DistOf(x)
}

// parts deals ss round robin over n segments (as plan.Split deals arrivals).
func parts(t *testing.T, ss []sample, n int) []Part {
	t.Helper()
	dealt := make([][]sample, n)
	for i, s := range ss {
		dealt[i%n] = append(dealt[i%n], s)
	}
	out := make([]Part, n)
	for i := range out {
		skew := time.Duration(i*7) * time.Millisecond // begun together, to a few ms
		out[i] = Part{Name: "part" + string(rune('0'+i)) + ".json", File: fileOf(t, dealt[i], &result.Segment{Index: i, Count: n}, skew)}
	}
	return out
}

// TestMergeEqualsWhole: merging the parts gives the counts, status codes,
// percentiles (all of them, exactly) and extract percentiles of the whole
// set of requests, and the per-second series summed.
func TestMergeEqualsWhole(t *testing.T) {
	ss := samples(5000, 7)
	whole := fileOf(t, ss, nil, 0).Steps[0]
	for _, n := range []int{1, 2, 3, 5} {
		got, err := Merge(parts(t, ss, n), Options{})
		if err != nil {
			t.Fatalf("N=%d: %v", n, err)
		}
		st := got.Steps[0]
		if diff := cmp.Diff(whole.Latency, st.Latency); diff != "" {
			t.Errorf("N=%d latency (-whole +merged):\n%s", n, diff)
		}
		if diff := cmp.Diff(*st.SendLatency, whole.Latency); diff != "" {
			t.Errorf("N=%d send latency:\n%s", n, diff)
		}
		if st.Requests.Total != whole.Requests.Total || st.Requests.OK != whole.Requests.OK || st.Requests.Failed != whole.Requests.Failed {
			t.Errorf("N=%d requests %+v, whole %+v", n, st.Requests, whole.Requests)
		}
		if diff := cmp.Diff(whole.StatusCodes, st.StatusCodes); diff != "" {
			t.Errorf("N=%d status codes:\n%s", n, diff)
		}
		if r := st.Requests.RPS; r < whole.Requests.RPS-1e-9 || r > whole.Requests.RPS+1e-9 {
			t.Errorf("N=%d rps %g, whole %g", n, r, whole.Requests.RPS)
		}
		if g, w := st.Requests.Goodput, whole.Requests.Goodput; g == nil || math.Abs(*g-*w) > 1e-9 {
			t.Errorf("N=%d goodput %v, whole %g", n, g, *w)
		}
		if a, w := st.Requests.SLOAttainment, whole.Requests.SLOAttainment; a == nil || *a != *w {
			t.Errorf("N=%d slo_attainment %v, whole %g", n, a, *w)
		}
		gx, wx := st.Extract["tokens"], whole.Extract["tokens"]
		if gx.Count != wx.Count || *gx.Min != *wx.Min || *gx.Max != *wx.Max || *gx.P99 != *wx.P99 || *gx.P50 != *wx.P50 {
			t.Errorf("N=%d extract %+v, whole %+v", n, gx, wx)
		}
		if len(st.Series) != 5 {
			t.Fatalf("N=%d: %d series points, want 5", n, len(st.Series))
		}
		for i, p := range st.Series {
			w := whole.Series[i]
			if !p.T.Equal(w.T) || p.Requests != w.Requests || p.OK != w.OK || p.Failed != w.Failed {
				t.Errorf("N=%d second %d: %+v, whole %+v", n, i, p, w)
			}
		}
		if got.Merge == nil || got.Merge.Count != n || len(got.Merge.Parts) != n {
			t.Errorf("N=%d merge info %+v", n, got.Merge)
		}
	}
}

// TestMergePercentilesOfAllSamples checks the merged p50/p99 against the
// samples themselves, within the histograms' 0.1 % resolution.
func TestMergePercentilesOfAllSamples(t *testing.T) {
	ss := samples(2000, 3)
	got, err := Merge(parts(t, ss, 3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := hdr.New(1, int64(time.Hour/time.Microsecond), 3)
	var ok []int64
	for _, s := range ss {
		if !s.failed {
			ok = append(ok, s.us)
			_ = h.RecordValue(s.us)
		}
	}
	for _, q := range []float64{50, 90, 99} {
		want := float64(h.ValueAtQuantile(q)) / 1000
		var p *float64
		switch q {
		case 50:
			p = got.Steps[0].Latency.P50
		case 90:
			p = got.Steps[0].Latency.P90
		case 99:
			p = got.Steps[0].Latency.P99
		}
		if *p != want {
			t.Errorf("p%g = %g ms, all samples' %g ms", q, *p, want)
		}
	}
	if m := *got.Steps[0].Latency.Max; m < float64(slicesMax(ok))/1000*0.999 {
		t.Errorf("max %g ms below the largest sample %d µs", m, slicesMax(ok))
	}
}

func slicesMax(xs []int64) int64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func TestMergeRefusals(t *testing.T) {
	ss := samples(300, 1)
	for _, tc := range []struct {
		name   string
		mutate func(ps []Part) []Part
		want   string
	}{
		{"different scenario", func(ps []Part) []Part { ps[1].File.Scenario.SHA256 = "ffff"; return ps }, "different scenario files"},
		{"different variables", func(ps []Part) []Part { ps[2].File.Scenario.Variables = map[string]string{"users": "20"}; return ps }, "different variables (they differ in users)"},
		{"overlapping", func(ps []Part) []Part { ps[2].File.Segment = &result.Segment{Index: 1, Count: 3}; return ps }, "both segment 1 of 3: overlapping"},
		{"missing", func(ps []Part) []Part { return ps[:2] }, "segment 2 of 3 missing"},
		{"different counts", func(ps []Part) []Part { ps[1].File.Segment = &result.Segment{Index: 1, Count: 4}; return ps }, "different splits"},
		{"not a part", func(ps []Part) []Part { ps[0].File.Segment = nil; return ps }, "not a segment's results file"},
		{"merged", func(ps []Part) []Part { ps[0].File.Segment, ps[0].File.Merge = nil, &result.Merge{}; return ps }, "is a merged results file"},
		{"other steps", func(ps []Part) []Part { ps[1].File.Steps[0].Name = "x"; return ps }, "different steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge(tc.mutate(parts(t, ss, 3)), Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestMergePartial(t *testing.T) {
	ps := parts(t, samples(300, 2), 3)
	got, err := Merge([]Part{ps[0], ps[2]}, Options{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1}, got.Merge.Missing); diff != "" {
		t.Errorf("missing:\n%s", diff)
	}
	if len(got.Warnings) == 0 || !strings.Contains(got.Warnings[len(got.Warnings)-1], "partial merge: segment 1 of 3 missing") {
		t.Errorf("warnings %q lack the partial merge", got.Warnings)
	}
	if want := ps[0].File.Steps[0].Requests.Total + ps[2].File.Steps[0].Requests.Total; got.Steps[0].Requests.Total != want {
		t.Errorf("total %d, want %d", got.Steps[0].Requests.Total, want)
	}
}

// TestMergeVerdictAndSamplers: an interrupted part makes the merge
// interrupted (as one run would be), and the sampler readings come from
// the part with the most samples, once.
func TestMergeVerdictAndSamplers(t *testing.T) {
	ps := parts(t, samples(300, 4), 3)
	ps[1].File.Verdict, ps[1].File.ExitCode, ps[1].File.Reason = result.VerdictInterrupted, 130, "interrupted during step \"s\""
	util := 87.0
	for i, p := range ps {
		p.File.Samplers = []result.SamplerInfo{{Name: "gpu", Kind: "nvml", Started: true, Samples: int64(10 + i*(2-i))}}
		p.File.Environment.GPUs = []result.GPUInfo{{UUID: "GPU-1"}}
		p.File.Steps[0].GPUs = []result.GPU{{UUID: "GPU-1", Index: i}}
		p.File.Steps[0].GPU = &result.GPUStats{Utilization: result.Stat{Mean: &util}}
		p.File.Steps[0].VLLM = &result.VLLM{Preemptions: &util}
	}
	got, err := Merge(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != result.VerdictInterrupted || got.ExitCode != 130 || !strings.Contains(got.Reason, "segment 1: interrupted") {
		t.Errorf("verdict %q exit %d reason %q", got.Verdict, got.ExitCode, got.Reason)
	}
	if len(got.Steps[0].GPUs) != 1 || got.Steps[0].GPUs[0].Index != 1 || len(got.Environment.GPUs) != 1 {
		t.Errorf("gpus %+v / %+v: want GPU-1 once, from segment 1", got.Steps[0].GPUs, got.Environment.GPUs)
	}
	if got.Steps[0].VLLM == nil || got.Steps[0].VLLM.Preemptions == nil {
		t.Errorf("vllm %+v: want the sampler part's vllm values", got.Steps[0].VLLM)
	}
	if len(got.Merge.Notes) != 1 || !strings.Contains(got.Merge.Notes[0], "segment 1's (part1.json)") {
		t.Errorf("notes %q", got.Merge.Notes)
	}
}

// TestMergeStream: a streaming target's distributions merge from the
// parts' histograms to those of all the requests together; token totals and
// rates add up; a file written before the histograms (none kept) merges to
// unknown percentiles, not wrong ones.
func TestMergeStream(t *testing.T) {
	ss := samples(3000, 11)
	whole := fileOf(t, ss, nil, 0).Steps[0].Stream
	for _, n := range []int{2, 3} {
		got, err := Merge(parts(t, ss, n), Options{})
		if err != nil {
			t.Fatal(err)
		}
		st := got.Steps[0].Stream
		if st == nil {
			t.Fatalf("N=%d: no merged stream", n)
		}
		for _, d := range []struct {
			name       string
			got, whole result.Dist
		}{{"ttft", st.TTFT, whole.TTFT}, {"output_tokens", st.OutputTokens, whole.OutputTokens}} {
			g, w := d.got, d.whole
			g.Histogram, w.Histogram = "", ""
			if diff := cmp.Diff(w, g, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(a)) })); diff != "" {
				t.Errorf("N=%d %s (-whole +merged):\n%s", n, d.name, diff)
			}
			if d.got.Histogram == "" {
				t.Errorf("N=%d %s: the merged file keeps no histogram", n, d.name)
			}
		}
		if st.TotalOutputTokens != whole.TotalOutputTokens || st.TokensPerS == nil || math.Abs(*st.TokensPerS-*whole.TokensPerS) > 1e-9 || st.TokenSource != "usage" {
			t.Errorf("N=%d tokens %d, %v/s, source %q; whole %d, %v/s", n, st.TotalOutputTokens, *st.TokensPerS, st.TokenSource, whole.TotalOutputTokens, *whole.TokensPerS)
		}
		if slices.ContainsFunc(got.Warnings, func(w string) bool { return strings.Contains(w, "stream") }) {
			t.Errorf("N=%d warnings %q", n, got.Warnings)
		}
	}

	ps := parts(t, ss, 2)
	ps[1].File.Steps[0].Stream.TTFT.Histogram = ""
	ps[1].File.Steps[0].Stream.TokenSource = "chunks"
	got, err := Merge(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := got.Steps[0].Stream
	if st.TTFT.P50 != nil || st.TTFT.Count != whole.TTFT.Count || *st.TTFT.Max != *whole.TTFT.Max || st.TTFT.Histogram != "" {
		t.Errorf("a part without a ttft histogram: merged %+v, want the count and extremes and unknown percentiles", st.TTFT)
	}
	if st.TokenSource != "chunks" {
		t.Errorf("token source %q, want chunks when any part counted chunks", st.TokenSource)
	}
}
