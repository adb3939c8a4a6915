package plan

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// MaxSegments caps N in --segment I/N: far more load machines than anyone
// runs, small enough that a typo (1/10000000) is caught.
const MaxSegments = 10000

// Segment is the part of a run one load process sends when a scenario is
// split across N processes (`harness run --segment I/N`, docs/cli.md).
// Index runs from 0 to Count-1, as Kubernetes' JOB_COMPLETION_INDEX does.
// The zero value, like Count 1, is the whole run.
type Segment struct {
	Index, Count int
}

// Whole reports whether s is the whole run (no split).
func (s Segment) Whole() bool { return s.Count <= 1 }

func (s Segment) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// ErrSplitSearch refuses a split run of a scenario with a capacity search:
// every part would have to see each probe's verdict before the next probe,
// which independent segments cannot.
var ErrSplitSearch = errors.New("--segment cannot split a scenario with a search block: each probe's verdict needs every part's results; run the search on one machine, or split fixed steps only")

// CheckSplit reports whether s can run as segment seg: any segment given
// (0/1 too) of a scenario with a search is ErrSplitSearch.
func CheckSplit(s *dsl.Scenario, seg Segment) error {
	if seg.Count == 0 || len(s.Searches) == 0 {
		return nil
	}
	return ErrSplitSearch
}

// ParseSegment reads "I/N": N parts (1 to MaxSegments), I from 0 to N-1.
func ParseSegment(text string) (Segment, error) {
	i, n, ok := strings.Cut(strings.TrimSpace(text), "/")
	if !ok {
		return Segment{}, fmt.Errorf("--segment %q: want I/N, the I-th of N parts counted from 0 (e.g. 0/3, 1/3, 2/3)", text)
	}
	idx, err1 := strconv.Atoi(strings.TrimSpace(i))
	cnt, err2 := strconv.Atoi(strings.TrimSpace(n))
	switch {
	case err1 != nil || err2 != nil:
		return Segment{}, fmt.Errorf("--segment %q: I and N must be whole numbers (e.g. 0/3)", text)
	case cnt < 1 || cnt > MaxSegments:
		return Segment{}, fmt.Errorf("--segment %q: N must be from 1 to %d", text, MaxSegments)
	case idx < 0 || idx >= cnt:
		return Segment{}, fmt.Errorf("--segment %q: I counts from 0, so it must be from 0 to %d", text, cnt-1)
	}
	return Segment{Index: idx, Count: cnt}, nil
}

// SplitCount is segment s's share of n things dealt round robin: thing k
// goes to segment k mod N, so the first n mod N segments get one more
// (10 over 3 → 4, 3, 3) and the shares always sum to n.
func SplitCount(n int64, s Segment) int64 {
	if s.Whole() {
		return n
	}
	c := int64(s.Count)
	share := n / c
	if int64(s.Index) < n%c {
		share++
	}
	return share
}

// SplitUsers is SplitCount for a number of users.
func SplitUsers(users int, s Segment) int { return int(SplitCount(int64(users), s)) }

// SplitRate is segment s's share of an arrival rate: an even 1/N. The
// arrivals themselves are dealt round robin (Segment.Sends), so the
// segments' schedules interleave into the whole one.
func SplitRate(rate float64, s Segment) float64 {
	if s.Whole() {
		return rate
	}
	return rate / float64(s.Count)
}

// Level is a step's load before the split: what the whole run holds.
type Level struct {
	Users, FromUsers int
	Rate, FromRate   float64
}

// Split is the plan of segment s of p: every step keeps its timing, its
// users are dealt round robin (SplitUsers, at every moment of a ramp too:
// UsersAt) and its open-model arrivals are dealt round robin from the whole
// step's schedule (Segment.Sends), so that the N segments together send what
// one process running p would. The whole levels stay in Step.Whole.
func Split(p Plan, s Segment) Plan {
	if s.Whole() {
		return p
	}
	out := Plan{Total: p.Total, Segment: s, Steps: make([]Step, len(p.Steps))}
	for i, ps := range p.Steps {
		ps.Segment = s
		ps.Whole = Level{Users: ps.Users, FromUsers: ps.FromUsers, Rate: ps.Rate, FromRate: ps.FromRate}
		ps.Users, ps.FromUsers = SplitUsers(ps.Users, s), SplitUsers(ps.FromUsers, s)
		ps.Rate, ps.FromRate = SplitRate(ps.Rate, s), SplitRate(ps.FromRate, s)
		if ps.MaxInFlight > 0 {
			// Rounded up, so the segments' caps together are never below the whole's.
			ps.MaxInFlight = int(math.Ceil(float64(ps.MaxInFlight) / float64(s.Count)))
		}
		ps.ExpectedRPS, _ = expectedRPS(ps) // the bound is the whole's
		if ps.Model == dsl.Open {
			// The part's share of the whole schedule's arrivals, dealt round robin.
			ps.ExpectedRequests = SplitCount(ps.ExpectedRequests, s)
		} else {
			ps.ExpectedRequests = expectedRequests(ps)
		}
		out.Steps[i] = ps
	}
	return out
}

// Sends reports whether segment s sends arrival k (k = 0, 1, …) of a whole
// step's open-model schedule: segment I of N sends arrivals I, I+N, I+2N, …,
// so the N schedules interleave into the whole one.
func (s Segment) Sends(k uint64) bool {
	return s.Whole() || k%uint64(s.Count) == uint64(s.Index)
}

// usersAtSplit is UsersAt for a segment: the whole step's level at d, dealt
// round robin, so the segments' levels sum to the whole at every moment.
func (s Step) usersAtSplit(d time.Duration) int {
	whole := s
	whole.Segment = Segment{}
	whole.Users, whole.FromUsers = s.Whole.Users, s.Whole.FromUsers
	return SplitUsers(whole.UsersAt(d), s.Segment)
}

// PhaseOffset is where this segment's paced users sit within a pace
// interval: segment I of N starts its users (I/N) of one user's spacing
// later, so the users of all segments together are spread as one
// process's would be (closed model, docs/scenario-language.md).
func (s Step) PhaseOffset() float64 {
	if s.Segment.Whole() {
		return 0
	}
	return float64(s.Segment.Index) / float64(s.Segment.Count)
}
