// Package merge combines the partial results files of a split run
// (`harness run --segment I/N`) into the results file one process running
// the whole scenario would have written (`harness merge`, docs/cli.md).
//
// Counts are summed; latencies are merged from the parts' HDR histograms,
// so the merged percentiles are those of every request together, exactly;
// per-second series are summed by wall-clock second; sampler readings are
// taken from one part, since every part samples the same GPUs and
// endpoints. Assertions are not evaluated here: the caller re-evaluates
// them over the merged windows (internal/assert).
package merge

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/result"
)

// Part is one segment's results file and the name it is reported by.
type Part struct {
	Name string
	File *result.File
}

// Options change what a merge accepts.
type Options struct {
	// Partial allows missing segments: the merged file lists them in
	// Merge.Missing and carries a warning, since its numbers then cover
	// only part of the load.
	Partial bool
}

// maxMessages is how many distinct messages an error class keeps, as the
// runner does.
const maxMessages = 5

// Merge checks that parts are the segments of one run and merges them. An
// error says why they cannot be merged (they are not parts, of different
// scenarios or variables, overlapping, or missing without Partial).
// Assertions are left empty, for the caller to evaluate; Verdict and
// ExitCode are set only when a part was interrupted, aborted or failed
// before its load (a single run's verdict would be the same).
func Merge(parts []Part, o Options) (*result.File, error) {
	if len(parts) == 0 {
		return nil, errors.New("no parts to merge")
	}
	count, missing, err := check(parts)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 && !o.Partial {
		return nil, fmt.Errorf("segment%s %s of %d missing: give every part, or --partial to merge what there is", plural(len(missing)), joinInts(missing), count)
	}
	parts = slices.Clone(parts)
	sort.Slice(parts, func(i, j int) bool { return parts[i].File.Segment.Index < parts[j].File.Segment.Index })
	first := parts[0].File
	out := &result.File{
		Schema:      result.Schema,
		Scenario:    first.Scenario,
		Environment: first.Environment,
		StartedAt:   first.StartedAt,
		EndedAt:     first.EndedAt,
		Assertions:  []result.Assertion{},
		Merge:       &result.Merge{Count: count, Missing: missing},
	}
	var hosts []string
	for _, p := range parts {
		f := p.File
		if f.StartedAt.Before(out.StartedAt) {
			out.StartedAt = f.StartedAt
		}
		if f.EndedAt.After(out.EndedAt) {
			out.EndedAt = f.EndedAt
		}
		if !slices.Contains(hosts, f.Environment.Host) {
			hosts = append(hosts, f.Environment.Host)
		}
		out.Merge.Parts = append(out.Merge.Parts, result.Part{
			Index: f.Segment.Index, File: p.Name, Host: f.Environment.Host,
			StartedAt: f.StartedAt, StartLateS: f.StartLateS, Verdict: f.Verdict, ExitCode: f.ExitCode,
		})
		for _, w := range f.Warnings {
			out.AddWarning(fmt.Sprintf("segment %d: %s", f.Segment.Index, w))
		}
	}
	out.Environment.Host = strings.Join(hosts, ",")
	if len(missing) > 0 {
		out.AddWarning(fmt.Sprintf("partial merge: segment%s %s of %d missing, so every count and rate covers only part of the load", plural(len(missing)), joinInts(missing), count))
	}
	mergeVerdict(out, parts)

	src := samplerSource(parts)
	out.Samplers = src.File.Samplers
	out.Environment.GPUs = unionGPUInfos(parts, src)
	if hasSamplers(parts) {
		out.Merge.Notes = append(out.Merge.Notes, fmt.Sprintf("sampler readings are segment %d's (%s), the part with the most samples: every part samples the same GPUs and endpoints, so each is counted once", src.File.Segment.Index, src.Name))
	}
	out.Steps = make([]result.Step, len(first.Steps))
	for i := range first.Steps {
		st, err := mergeStep(parts, i, src)
		if err != nil {
			return nil, err
		}
		out.Steps[i] = st
	}
	return out, nil
}

// check verifies that parts are distinct segments of one run and returns
// the segment count and the missing indices.
func check(parts []Part) (int, []int, error) {
	for _, p := range parts {
		if p.File.Segment == nil {
			if p.File.Merge != nil {
				return 0, nil, fmt.Errorf("%s is a merged results file, not a segment's", p.Name)
			}
			return 0, nil, fmt.Errorf("%s is not a segment's results file (it has no \"segment\"): merge the files of harness run --segment I/N", p.Name)
		}
	}
	ref := parts[0]
	count := ref.File.Segment.Count
	seen := map[int]string{}
	for _, p := range parts {
		f := p.File
		switch {
		case f.Segment.Count != count:
			return 0, nil, fmt.Errorf("%s is segment %d of %d but %s is of %d: parts of different splits", p.Name, f.Segment.Index, f.Segment.Count, ref.Name, count)
		case f.Segment.Index < 0 || f.Segment.Index >= count:
			return 0, nil, fmt.Errorf("%s: segment %d is out of range 0 to %d", p.Name, f.Segment.Index, count-1)
		case f.Scenario.SHA256 != ref.File.Scenario.SHA256:
			return 0, nil, fmt.Errorf("%s and %s ran different scenario files (sha256 %.12s… and %.12s…)", ref.Name, p.Name, ref.File.Scenario.SHA256, f.Scenario.SHA256)
		case !maps.Equal(f.Scenario.Variables, ref.File.Scenario.Variables):
			return 0, nil, fmt.Errorf("%s and %s ran with different variables (%s)", ref.Name, p.Name, varDiff(ref.File.Scenario.Variables, f.Scenario.Variables))
		case !sameSteps(f, ref.File):
			return 0, nil, fmt.Errorf("%s and %s have different steps", ref.Name, p.Name)
		}
		if other, dup := seen[f.Segment.Index]; dup {
			return 0, nil, fmt.Errorf("%s and %s are both segment %d of %d: overlapping parts", other, p.Name, f.Segment.Index, count)
		}
		seen[f.Segment.Index] = p.Name
	}
	var missing []int
	for i := range count {
		if _, ok := seen[i]; !ok {
			missing = append(missing, i)
		}
	}
	return count, missing, nil
}

func sameSteps(a, b *result.File) bool {
	if len(a.Steps) != len(b.Steps) {
		return false
	}
	for i := range a.Steps {
		if a.Steps[i].Name != b.Steps[i].Name || a.Steps[i].Model != b.Steps[i].Model {
			return false
		}
	}
	return true
}

func varDiff(a, b map[string]string) string {
	var names []string
	for k := range a {
		if v, ok := b[k]; !ok || v != a[k] {
			names = append(names, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return "they differ in " + strings.Join(slices.Compact(names), ", ")
}

// mergeVerdict keeps what a single run's verdict would keep whatever its
// assertions say: an error before the load (the first such part's code),
// an interrupt, an abort.
func mergeVerdict(out *result.File, parts []Part) {
	rank := map[result.Verdict]int{result.VerdictAborted: 1, result.VerdictInterrupted: 2, result.VerdictError: 3}
	var reasons []string
	for _, p := range parts {
		f := p.File
		r := rank[f.Verdict]
		if r == 0 {
			continue
		}
		if r > rank[out.Verdict] {
			out.Verdict, out.ExitCode = f.Verdict, f.ExitCode
		}
		if f.Reason != "" {
			reasons = append(reasons, fmt.Sprintf("segment %d: %s", f.Segment.Index, f.Reason))
		}
	}
	out.Reason = strings.Join(reasons, "; ")
}

// samplerSource is the part whose sampler readings the merge keeps: the
// one with the most samples (the lowest segment on a tie).
func samplerSource(parts []Part) Part {
	best, most := parts[0], int64(-1)
	for _, p := range parts {
		var n int64
		for _, s := range p.File.Samplers {
			n += s.Samples
		}
		if n > most {
			best, most = p, n
		}
	}
	return best
}

func hasSamplers(parts []Part) bool {
	for _, p := range parts {
		if len(p.File.Samplers) > 0 {
			return true
		}
	}
	return false
}

// unionGPUInfos is src's GPUs and then any other part's not seen, once per UUID.
func unionGPUInfos(parts []Part, src Part) []result.GPUInfo {
	out := append([]result.GPUInfo{}, src.File.Environment.GPUs...)
	seen := map[string]bool{}
	for _, g := range out {
		seen[g.UUID] = true
	}
	for _, p := range parts {
		for _, g := range p.File.Environment.GPUs {
			if !seen[g.UUID] {
				seen[g.UUID] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// mergeStep merges step i of every part.
func mergeStep(parts []Part, i int, src Part) (result.Step, error) {
	base := parts[0].File.Steps[i]
	st := result.Step{
		Name: base.Name, Model: base.Model, Target: base.Target,
		StatusCodes: map[string]int64{}, Series: []result.Second{},
	}
	steps := make([]result.Step, len(parts))
	for j, p := range parts {
		steps[j] = p.File.Steps[i]
		st.Users += steps[j].Users
		st.Rate += steps[j].Rate
	}
	st.Status = mergeStatus(steps)
	st.Ramp = unionWindow(steps, func(s *result.Step) *result.Window { return s.Ramp })
	if w := unionWindow(steps, func(s *result.Step) *result.Window { return &s.Measured }); w != nil {
		st.Measured = *w
	}
	st.Requests = sumRequests(steps, func(s *result.Step) *result.Requests { return &s.Requests })
	if base.RampRequests != nil {
		r := sumRequests(steps, func(s *result.Step) *result.Requests { return s.RampRequests })
		st.RampRequests = &r
	}
	for _, s := range steps {
		for code, n := range s.StatusCodes {
			st.StatusCodes[code] += n
		}
	}
	st.Errors = mergeErrors(steps)

	lat, enc, err := mergeHistograms(steps, func(s result.Step) string { return s.Histogram })
	if err != nil {
		return st, fmt.Errorf("step %q: %w", st.Name, err)
	}
	st.Histogram = enc
	if lat != nil {
		st.Latency = result.HistogramLatency(lat)
	}
	if st.Model == result.ModelOpen {
		send, enc, err := mergeHistograms(steps, func(s result.Step) string { return s.SendHistogram })
		if err != nil {
			return st, fmt.Errorf("step %q: send latency: %w", st.Name, err)
		}
		l := result.Latency{}
		if send != nil {
			l = result.HistogramLatency(send)
		}
		st.SendLatency, st.SendHistogram = &l, enc
	}
	if st.Extract, err = mergeExtracts(steps); err != nil {
		return st, fmt.Errorf("step %q: %w", st.Name, err)
	}
	if st.Stream, err = mergeStream(steps); err != nil {
		return st, fmt.Errorf("step %q: stream: %w", st.Name, err)
	}
	s := src.File.Steps[i]
	st.Series = mergeSeries(steps, s)
	st.Samplers, st.GPU, st.Triton, st.VLLM = s.Samplers, s.GPU, s.Triton, s.VLLM
	st.GPUs = unionGPUs(s.GPUs, steps)
	st.Efficiency = result.StepEfficiency(st)
	return st, nil
}

// mergeStatus is the worst of the parts' statuses: interrupted, aborted,
// completed; not_run only when no part ran the step.
func mergeStatus(steps []result.Step) result.StepStatus {
	rank := map[result.StepStatus]int{result.StepNotRun: 0, result.StepCompleted: 1, result.StepAborted: 2, result.StepInterrupted: 3}
	worst := result.StepNotRun
	for _, s := range steps {
		if rank[s.Status] > rank[worst] {
			worst = s.Status
		}
	}
	return worst
}

// unionWindow spans the parts' windows: the earliest start to the latest end.
func unionWindow(steps []result.Step, get func(*result.Step) *result.Window) *result.Window {
	var out *result.Window
	for i := range steps {
		w := get(&steps[i])
		if w == nil || w.Start.IsZero() {
			continue
		}
		if out == nil {
			c := *w
			out = &c
			continue
		}
		if w.Start.Before(out.Start) {
			out.Start = w.Start
		}
		if w.End.After(out.End) {
			out.End = w.End
		}
	}
	if out != nil {
		out.DurationS = out.End.Sub(out.Start).Seconds()
	}
	return out
}

// sumRequests adds the parts' counters. RPS and goodput are the sums of
// the parts' rates, each over its own window: what the parts sent
// together. slo_attainment is the requests that met the slo (each part's
// attainment × its total) over the total. Goodput and slo_attainment are
// unknown when a part that sent requests has none (a file written before
// they existed).
func sumRequests(steps []result.Step, get func(*result.Step) *result.Requests) result.Requests {
	var r result.Requests
	var goodput, met float64
	sloKnown, anyGoodput := true, false
	for i := range steps {
		p := get(&steps[i])
		if p == nil {
			continue
		}
		if p.Goodput != nil {
			goodput += *p.Goodput
			anyGoodput = true
		} else if p.Total > 0 {
			sloKnown = false
		}
		if p.SLOAttainment != nil {
			met += math.Round(*p.SLOAttainment * float64(p.Total))
		} else if p.Total > 0 {
			sloKnown = false
		}
		r.Total += p.Total
		r.OK += p.OK
		r.Failed += p.Failed
		r.Dropped += p.Dropped
		r.Timeouts += p.Timeouts
		r.Late += p.Late
		r.BytesIn += p.BytesIn
		r.BytesOut += p.BytesOut
		r.RPS += p.RPS
	}
	if r.Total > 0 {
		ok, failed := float64(r.OK)/float64(r.Total), float64(r.Failed)/float64(r.Total)
		r.SuccessRate, r.ErrorRate = &ok, &failed
	}
	if sloKnown && anyGoodput {
		r.Goodput = &goodput
		if r.Total > 0 {
			att := met / float64(r.Total)
			r.SLOAttainment = &att
		}
	}
	return r
}

func mergeErrors(steps []result.Step) map[string]result.ErrorClass {
	out := map[string]result.ErrorClass{}
	for _, s := range steps {
		for class, e := range s.Errors {
			m := out[class]
			m.Count += e.Count
			for _, msg := range e.Messages {
				if len(m.Messages) < maxMessages && !slices.Contains(m.Messages, msg) {
					m.Messages = append(m.Messages, msg)
				}
			}
			out[class] = m
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// mergeHistograms decodes and adds the parts' histograms (get(p) is part
// p's, encoded; empty when it has none), and returns the sum decoded (nil
// when no part recorded a value) and encoded.
func mergeHistograms[P any](parts []P, get func(P) string) (*hdr.Histogram, string, error) {
	var all *hdr.Histogram
	for _, p := range parts {
		enc := get(p)
		if enc == "" {
			continue
		}
		h, err := result.DecodeHistogram(enc)
		if err != nil {
			return nil, "", err
		}
		if all == nil {
			all = h
			continue
		}
		if dropped := all.Merge(h); dropped > 0 {
			return nil, "", fmt.Errorf("histograms of different ranges: %d values would be lost", dropped)
		}
	}
	if all == nil {
		return nil, "", nil
	}
	enc, err := result.EncodeHistogram(all)
	if err != nil {
		return nil, "", err
	}
	if all.TotalCount() == 0 {
		return nil, enc, nil
	}
	return all, enc, nil
}

// mergeExtracts merges each extract's summaries (mergeSummaries).
func mergeExtracts(steps []result.Step) (map[string]result.Extract, error) {
	var names []string
	for _, s := range steps {
		for n := range s.Extract {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	out := map[string]result.Extract{}
	for _, name := range names {
		var xs []summaryPart
		for _, s := range steps {
			if e, ok := s.Extract[name]; ok {
				xs = append(xs, summaryPart{e, s.Measured.End})
			}
		}
		x, err := mergeSummaries(xs)
		if err != nil {
			return nil, fmt.Errorf("extract %q: %w", name, err)
		}
		out[name] = x
	}
	return out, nil
}

// summaryPart is one part's summary of a quantity and the end of the
// window it covers.
type summaryPart struct {
	x   result.Extract
	end time.Time
}

// mergeSummaries sums counts and misses, keeps the extremes, weights the
// means, takes the last value of the part whose window ended last, and
// merges the histograms for the percentiles (unknown unless every part
// with values has one).
func mergeSummaries(xs []summaryPart) (result.Extract, error) {
	var x result.Extract
	var sum float64
	var lastEnd time.Time
	var hists []string
	for _, p := range xs {
		e := p.x
		x.Count += e.Count
		x.Misses += e.Misses
		if e.Count == 0 {
			continue
		}
		x.Min, x.Max = minPtr(x.Min, e.Min), maxPtr(x.Max, e.Max)
		if e.Mean != nil {
			sum += *e.Mean * float64(e.Count)
		}
		if e.Last != nil && !p.end.Before(lastEnd) {
			x.Last, lastEnd = e.Last, p.end
		}
		hists = append(hists, e.Histogram)
	}
	if x.Count > 0 && x.Min != nil && x.Max != nil {
		mean := sum / float64(x.Count)
		x.Mean = &mean
		h, enc, err := mergeHistograms(hists, func(enc string) string { return enc })
		if err != nil {
			return x, err
		}
		if h != nil && h.TotalCount() == x.Count {
			x.SetPercentiles(h)
			x.Histogram = enc
		}
	}
	return x, nil
}

// mergeStream merges the parts' stream objects: each distribution as an
// extract is merged, token totals summed, tokens_per_s the sum of the
// parts' rates (each over its own window, as rps), and the token source
// "chunks" when any part counted chunks. Nil when no part streamed.
func mergeStream(steps []result.Step) (*result.Stream, error) {
	var ss []*result.Stream
	for _, s := range steps {
		if s.Stream != nil {
			ss = append(ss, s.Stream)
		}
	}
	if len(ss) == 0 {
		return nil, nil
	}
	out := &result.Stream{}
	for i, name := range result.StreamDists {
		xs := make([]summaryPart, len(ss))
		for j, s := range ss {
			xs[j] = summaryPart{x: s.Dists()[i].AsExtract()}
		}
		x, err := mergeSummaries(xs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		*out.Dists()[i] = result.DistOf(x)
	}
	var rate float64
	var anyRate bool
	for _, s := range ss {
		out.TotalOutputTokens += s.TotalOutputTokens
		out.TotalInputTokens += s.TotalInputTokens
		if s.TokensPerS != nil {
			rate, anyRate = rate+*s.TokensPerS, true
		}
		switch {
		case s.TokenSource == "chunks":
			out.TokenSource = "chunks"
		case s.TokenSource == "usage" && out.TokenSource == "":
			out.TokenSource = "usage"
		}
	}
	if anyRate {
		out.TokensPerS = &rate
	}
	return out, nil
}

func minPtr(a, b *float64) *float64 {
	if a == nil || (b != nil && *b < *a) {
		return b
	}
	return a
}

func maxPtr(a, b *float64) *float64 {
	if a == nil || (b != nil && *b > *a) {
		return b
	}
	return a
}

// mergeSeries sums the parts' per-second points by wall-clock second (each
// point's time rounded to the second, since parts begun together differ by
// milliseconds). A merged second's p50 and p95 are the highest of the
// parts' (per-second histograms are not kept); its sampler values are src's.
func mergeSeries(steps []result.Step, src result.Step) []result.Second {
	bySec := map[time.Time]*result.Second{}
	for _, s := range steps {
		for _, p := range s.Series {
			t := p.T.Round(time.Second)
			m := bySec[t]
			if m == nil {
				m = &result.Second{T: t, Phase: p.Phase}
				bySec[t] = m
			}
			if p.Phase == result.PhaseMeasured {
				m.Phase = result.PhaseMeasured
			}
			m.Users += p.Users
			m.Rate += p.Rate
			m.Requests += p.Requests
			m.OK += p.OK
			m.Failed += p.Failed
			m.Dropped += p.Dropped
			m.P50, m.P95 = maxPtr(m.P50, p.P50), maxPtr(m.P95, p.P95)
		}
	}
	for _, p := range src.Series {
		if m := bySec[p.T.Round(time.Second)]; m != nil && p.Samples != nil {
			m.Samples = p.Samples
		}
	}
	out := make([]result.Second, 0, len(bySec))
	for _, m := range bySec {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].T.Before(out[j].T) })
	return out
}

// unionGPUs is src's per-GPU stats and then any other part's GPU not among
// them, once per UUID.
func unionGPUs(src []result.GPU, steps []result.Step) []result.GPU {
	out := append([]result.GPU(nil), src...)
	seen := map[string]bool{}
	for _, g := range out {
		seen[g.UUID] = true
	}
	for _, s := range steps {
		for _, g := range s.GPUs {
			if g.UUID != "" && !seen[g.UUID] {
				seen[g.UUID] = true
				out = append(out, g)
			}
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}
