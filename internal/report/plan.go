package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
)

// WritePlan prints the plan `harness plan` shows: one row per step in run
// order (model, level, load shape and its seed, ramp, measured duration,
// start offset, expected req/s and requests over the measured window), then
// the total wall time and the total expected requests. Expectations print as "≤ N" when think time makes
// them an upper bound and "max" when users run back to back.
func WritePlan(w io.Writer, s *dsl.Scenario, p plan.Plan) error {
	if s != nil && s.Name != "" {
		head := fmt.Sprintf("%d steps", len(p.Steps))
		if len(p.Searches) > 0 {
			head = plan.Count(len(p.Steps), len(p.Searches))
		}
		if _, err := fmt.Fprintf(w, "scenario %s: %s\n\n", s.Name, head); err != nil {
			return err
		}
	}
	if len(p.Steps) == 0 {
		ew := NewErrWriter(w)
		writePlanSearches(ew, p)
		ew.Printf("\ntotal wall time at most %s\n", planDuration(p.WorstTotal()))
		return ew.Err()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tstep\tmodel\tlevel\tarrivals\tseed\tramp\tduration\tstart\texpected req/s\texpected requests")
	var total int64
	atMost, unbounded := false, false
	for _, st := range p.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			st.Index+1, st.Name, st.Model, planLevel(st), planShape(st), planSeed(st), planRamp(st),
			planDuration(st.Duration), planDuration(st.Start),
			bounded(st.Bound, result.FormatRounded(st.ExpectedRPS, 2)), bounded(st.Bound, fmtCount(st.ExpectedRequests)))
		total += st.ExpectedRequests
		atMost = atMost || st.Bound == plan.AtMost
		unbounded = unbounded || st.Bound == plan.Unbounded
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	totalReq := fmtCount(total)
	if atMost {
		totalReq = "≤ " + totalReq
	}
	if unbounded {
		totalReq += " (plus the back-to-back steps, bounded only by the server)"
	}
	if len(p.Searches) > 0 {
		ew := NewErrWriter(w)
		writePlanSearches(ew, p)
		ew.Printf("\ntotal wall time %s, at most %s with the searches; expected requests of the steps %s\n",
			planDuration(p.Total), planDuration(p.WorstTotal()), totalReq)
		return ew.Err()
	}
	_, err := fmt.Fprintf(w, "\ntotal wall time %s, expected requests %s\n", planDuration(p.Total), totalReq)
	return err
}

// planLevel is the level held in the measured window.
func planLevel(st plan.Step) string {
	if st.Model == dsl.Open {
		return result.FormatRounded(st.Rate, 2) + " req/s"
	}
	if st.Users == 1 {
		return "1 user"
	}
	return fmt.Sprintf("%d users", st.Users)
}

// planShape is how the step's starts are spread in time: an open step's
// arrival process ("poisson", "gamma b=0.25"), a closed step's pacing
// ("pace 2s ±10 %", "think 1s", "back to back").
func planShape(st plan.Step) string {
	switch {
	case st.Model == dsl.Open && st.Arrival == plan.Gamma:
		return "gamma b=" + result.FormatRounded(st.Burstiness, 3)
	case st.Model == dsl.Open && st.Arrival == "":
		return string(plan.Uniform)
	case st.Model == dsl.Open:
		return string(st.Arrival)
	case st.Pace > 0 && st.PaceJitter > 0:
		return "pace " + planDuration(st.Pace) + " ±" + result.FormatRounded(st.PaceJitter*100, 1) + " %"
	case st.Pace > 0:
		return "pace " + planDuration(st.Pace)
	case st.Think > 0:
		return "think " + planDuration(st.Think)
	}
	return "back to back"
}

// planSeed is the seed of the step's random draws, "-" when its schedule
// draws nothing (uniform arrivals, unjittered or unpaced users).
func planSeed(st plan.Step) string {
	random := st.Model == dsl.Open && (st.Arrival == plan.Poisson || st.Arrival == plan.Gamma) ||
		st.Model == dsl.Closed && st.Pace > 0 && st.PaceJitter > 0
	if !random {
		return "-"
	}
	return strconv.FormatUint(st.Seed, 10)
}

// planRamp is the ramp duration and the level it starts from.
func planRamp(st plan.Step) string {
	if st.Ramp <= 0 {
		return "-"
	}
	from := strconv.Itoa(st.FromUsers)
	if st.Model == dsl.Open {
		from = result.FormatRounded(st.FromRate, 2)
	}
	return planDuration(st.Ramp) + " from " + from
}

func bounded(b plan.Bound, s string) string {
	switch b {
	case plan.Unbounded:
		return "max"
	case plan.AtMost:
		return "≤ " + s
	}
	return s
}

// planDuration prints d without the zero units time.Duration.String keeps
// ("1m" rather than "1m0s").
func planDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// fmtCount prints n with thousands separators: 3,000.
func fmtCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
