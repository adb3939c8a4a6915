package report

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// writePlanSearches prints each search's probe budget under the plan's
// table: where it runs, its levels, and its worst case.
func writePlanSearches(ew *ErrWriter, p plan.Plan) {
	for _, s := range p.Searches {
		where := "before the first step"
		if s.After > 0 && s.After <= len(p.Steps) {
			where = "after step " + p.Steps[s.After-1].Name
		}
		pacing := ""
		switch {
		case s.Pace > 0:
			pacing = ", pace " + planDuration(s.Pace)
		case s.Think > 0:
			pacing = ", think " + planDuration(s.Think)
		}
		ew.Printf("\nsearch %s (%s%s, %s): %s to %s %s, growth ×%s, precision %s %%\n",
			s.Name, s.Model, pacing, where, result.FormatLevel(s.Config.Start), result.FormatLevel(s.Config.Max), s.Unit,
			result.FormatRounded(s.Config.Growth, 2), result.FormatRounded(s.Config.Precision*100, 2))
		ew.Printf("  each probe: ramp %s, measured %s, cooldown %s; judged by %s\n",
			planDuration(s.Ramp), planDuration(s.Duration), planDuration(s.Cooldown), strings.Join(s.Asserts, ", "))
		ew.Printf("  at most %d probes, %s (a passing but unstable probe adds a repeat at twice the duration)\n",
			s.WorstProbes, planDuration(s.WorstTime))
	}
}

// summaryStatus is a step's status; a probe's says what its search made of it.
func summaryStatus(st result.Step) string {
	if st.Probe != nil && st.Status == result.StepCompleted {
		return "probe " + st.Probe.Outcome
	}
	return string(st.Status)
}

// writeSummarySearches prints each search's answer in one sentence.
func writeSummarySearches(ew *ErrWriter, f *result.File) {
	if len(f.Searches) == 0 {
		return
	}
	ew.Printf("\n")
	for _, s := range f.Searches {
		prefix := ""
		if len(f.Searches) > 1 {
			prefix = "search " + s.Name + ": "
		}
		ew.Printf("%s%s\n", prefix, SearchSentence(s))
	}
}

// SearchSentence is a search's answer in one sentence: "capacity at SLO:
// 104 users (first failing 112: triton.infer_ms 21.3 > 20); 9 probes,
// 4 min 30 s".
func SearchSentence(s result.Search) string {
	var b strings.Builder
	b.WriteString("capacity at SLO: ")
	switch s.Status {
	case result.SearchAboveMax:
		fmt.Fprintf(&b, "at least %s (max passed)", s.Level(s.Capacity))
	case result.SearchBelowStart:
		fmt.Fprintf(&b, "below %s (start failed%s)", s.Level(s.Start), breachList(s.Breached, ": "))
	case result.SearchFound:
		fmt.Fprintf(&b, "%s", s.Level(s.Capacity))
		if s.FirstFailing != nil {
			fmt.Fprintf(&b, " (first failing %s%s)", result.FormatLevel(*s.FirstFailing), breachList(s.Breached, ": "))
		}
	default:
		b.WriteString("not found, the search was stopped")
		if s.Capacity > 0 || s.FirstFailing != nil {
			hi := "?"
			if s.FirstFailing != nil {
				hi = result.FormatLevel(*s.FirstFailing)
			}
			fmt.Fprintf(&b, " (bracket %s..%s %s)", result.FormatLevel(s.Capacity), hi, s.Unit)
		}
	}
	probes := "probes"
	if s.Probes == 1 {
		probes = "probe"
	}
	fmt.Fprintf(&b, "; %d %s, %s", s.Probes, probes, spokenDuration(s.DurationS))
	if s.UnstableProbes > 0 {
		fmt.Fprintf(&b, "; %d unstable", s.UnstableProbes)
	}
	if s.NonMonotonic {
		b.WriteString("; non-monotonic")
	}
	return b.String()
}

func breachList(as []result.Assertion, lead string) string {
	if len(as) == 0 {
		return ""
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = breach(a)
	}
	return lead + strings.Join(parts, ", ")
}

// spokenDuration prints seconds as "4 min 30 s", "35 s".
func spokenDuration(secs float64) string {
	d := time.Duration(math.Round(secs)) * time.Second
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case m == 0:
		return fmt.Sprintf("%d s", s)
	case s == 0:
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d min %d s", m, s)
}

// breach renders a failed probe assertion in a few words, the comparison as
// measured: "triton.infer_ms 21.3 > 20" for `triton.infer_ms < 20`; else its
// name and message.
func breach(a result.Assertion) string {
	if len(a.Observed) == 1 {
		for name, v := range a.Observed {
			if f, ok := v.(float64); ok {
				if lim, ok := limitOf(a.Condition, name); ok {
					rel := "="
					switch {
					case f > lim:
						rel = ">"
					case f < lim:
						rel = "<"
					}
					return fmt.Sprintf("%s %s %s %s", name, result.FormatMeasure(f), rel, result.FormatMeasure(lim))
				}
			}
		}
	}
	if a.Status == result.StatusError || (len(a.Observed) == 0 && a.Message != "") {
		return a.Name + ": " + a.Message
	}
	return a.Name
}

// comparison is a condition comparing one name with a number.
var comparison = regexp.MustCompile(`^\s*([A-Za-z0-9_.\[\]"]+)\s*(<=|>=|<|>|==|!=)\s*(-?[0-9][0-9.eE+-]*)\s*$`)

// limitOf is the number name is compared with in cond, when cond is a
// single comparison of name.
func limitOf(cond, name string) (float64, bool) {
	m := comparison.FindStringSubmatch(cond)
	if m == nil || m[1] != name {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[3], 64)
	return f, err == nil
}
