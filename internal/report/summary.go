package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/harness-gpu/harness/internal/result"
)

// WriteSummary writes the end-of-run summary of f: per step its requests,
// success rate, req/s, latency min/p50/p90/p95/p99/max, extracted fields and
// errors by class; then each sampler that had gaps or did not start.
// Unknown values print as '-'.
func WriteSummary(w io.Writer, f *result.File) error {
	ew := NewErrWriter(w)
	ew.Printf("%s: %s", f.Scenario.Name, summaryDash(string(f.Verdict)))
	if f.Reason != "" {
		ew.Printf(" (%s)", f.Reason)
	}
	ew.Printf("\n\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "step\tstatus\tload\trequests\tok%\treq/s\tmin\tp50\tp90\tp95\tp99\tmax (ms)\t")
	for _, st := range f.Steps {
		l := st.Latency
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			st.Name, summaryStatus(st), summaryLoad(st), st.Requests.Total, summaryPercent(st.Requests.SuccessRate), st.Requests.RPS,
			oneDecimal(l.Min), oneDecimal(l.P50), oneDecimal(l.P90), oneDecimal(l.P95), oneDecimal(l.P99), oneDecimal(l.Max))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeSummarySearches(ew, f)
	for _, st := range f.Steps {
		summaryStepDetails(ew, st)
	}
	summarySamplers(ew, f.Samplers)
	return ew.Err()
}

// summarySamplers says which samplers missed samples or never started, so
// that a sampler dying mid-run is not noticed only as unknown values: "sampler
// dcgm: 7 gaps of 67 samples (first: connection refused)", the count being
// every sample attempted.
func summarySamplers(ew *ErrWriter, infos []result.SamplerInfo) {
	head := false
	line := func(format string, args ...any) {
		if !head {
			ew.Printf("\nsamplers:\n")
			head = true
		}
		ew.Printf("  "+format+"\n", args...)
	}
	for _, s := range infos {
		switch {
		case !s.Started && s.Error != "":
			line("sampler %s: not started (%s)", s.Name, s.Error)
		case s.Gaps > 0:
			msg := fmt.Sprintf("sampler %s: %d gaps of %d samples", s.Name, s.Gaps, s.Samples+s.Gaps)
			if len(s.FirstErrors) > 0 {
				msg += " (first: " + s.FirstErrors[0] + ")"
			}
			line("%s", msg)
		}
	}
}

func summaryStepDetails(ew *ErrWriter, st result.Step) {
	if len(st.Extract) == 0 && len(st.Errors) == 0 && st.Requests.Dropped == 0 {
		return
	}
	ew.Printf("\n%s:\n", st.Name)
	if st.Requests.Dropped > 0 {
		ew.Printf("  dropped %d arrivals (max_in_flight)\n", st.Requests.Dropped)
	}
	for _, name := range sortedKeys(st.Extract) {
		x := st.Extract[name]
		ew.Printf("  extract %s: count %d misses %d min %s p50 %s p90 %s p95 %s p99 %s max %s\n",
			name, x.Count, x.Misses, oneDecimal(x.Min), oneDecimal(x.P50), oneDecimal(x.P90), oneDecimal(x.P95), oneDecimal(x.P99), oneDecimal(x.Max))
	}
	for _, class := range sortedKeys(st.Errors) {
		ec := st.Errors[class]
		ew.Printf("  errors %s: %d", class, ec.Count)
		if len(ec.Messages) > 0 {
			ew.Printf(" (%s)", strings.Join(ec.Messages, "; "))
		}
		ew.Printf("\n")
	}
}

func summaryLoad(st result.Step) string {
	if st.Model == result.ModelOpen {
		return result.FormatLevel(st.Rate) + "/s"
	}
	return fmt.Sprintf("%d users", st.Users)
}

// oneDecimal prints a table value with one decimal, result.Unknown when
// unknown (the summary and the live console).
func oneDecimal(p *float64) string {
	if p == nil {
		return result.Unknown
	}
	return fmt.Sprintf("%.1f", *p)
}

func summaryPercent(p *float64) string {
	if p == nil {
		return result.Unknown
	}
	return fmt.Sprintf("%.1f", *p*100)
}

func summaryDash(s string) string {
	if s == "" {
		return result.Unknown
	}
	return s
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
