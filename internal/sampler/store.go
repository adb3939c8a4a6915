package sampler

import (
	"math"
	"sort"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// maxFirstErrors bounds the distinct sample errors kept per sampler.
const maxFirstErrors = 5

// colKey identifies one column of a store: a point's class, field and entity.
type colKey struct {
	class  class
	field  string
	entity string
}

// row is one reading: vals[i] is column i, NaN where the reading lacked it.
// Rows are never modified once stored, so windows share them without copying.
type row struct {
	t    time.Time
	vals []float64
}

// store keeps one sampler's readings as rows of float64 over interned
// columns, so a run of hours at 1 Hz costs a few bytes per value and no
// response bodies are kept.
type store struct {
	mu          sync.Mutex
	cols        []colKey
	index       map[colKey]int
	rows        []row
	gaps        []time.Time
	lastGapErr  string
	gpus        map[string]result.GPUInfo
	gpuOrder    []string
	firstErrors []string
}

func newStore() *store {
	return &store{index: map[colKey]int{}, gpus: map[string]result.GPUInfo{}}
}

// add stores a reading taken at t. Duplicate keys within a reading are
// summed (samplers emit unique keys; summing is the safe reading of a
// duplicated label set). Rows are kept in time order.
func (s *store) add(t time.Time, r Reading) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range r.Points {
		k := colKey{p.Class, p.Field, p.Entity}
		if _, ok := s.index[k]; !ok {
			s.index[k] = len(s.cols)
			s.cols = append(s.cols, k)
		}
	}
	vals := make([]float64, len(s.cols))
	for i := range vals {
		vals[i] = math.NaN()
	}
	for _, p := range r.Points {
		i := s.index[colKey{p.Class, p.Field, p.Entity}]
		if math.IsNaN(vals[i]) {
			vals[i] = p.Value
		} else if vals[i] += p.Value; math.IsInf(vals[i], 0) {
			vals[i] = math.NaN() // the sum overflowed: unknown, not ±Inf
		}
	}
	s.rows = append(s.rows, row{t: t, vals: vals})
	if n := len(s.rows); n > 1 && s.rows[n-1].t.Before(s.rows[n-2].t) {
		sort.SliceStable(s.rows, func(i, j int) bool { return s.rows[i].t.Before(s.rows[j].t) })
	}
	for _, g := range r.GPUs {
		if _, ok := s.gpus[g.UUID]; !ok {
			s.gpuOrder = append(s.gpuOrder, g.UUID)
		}
		s.gpus[g.UUID] = g
	}
}

// gap records a failed or missed sample at t.
func (s *store) gap(t time.Time, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps = append(s.gaps, t)
	s.lastGapErr = err.Error()
	s.noteLocked(err)
}

// note keeps err among the first distinct errors without counting a gap.
func (s *store) note(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noteLocked(err)
}

func (s *store) noteLocked(err error) {
	msg := err.Error()
	for _, e := range s.firstErrors {
		if e == msg {
			return
		}
	}
	if len(s.firstErrors) < maxFirstErrors {
		s.firstErrors = append(s.firstErrors, msg)
	}
}

// view is an immutable slice of a store: the rows and gaps of a window.
type view struct {
	cols []colKey
	rows []row
	gaps int
	gpus []result.GPUInfo // in first-seen order
}

// window returns the rows with start <= t <= end (both ends inclusive: see
// Group.Window).
func (s *store) window(start, end time.Time) view {
	s.mu.Lock()
	defer s.mu.Unlock()
	lo := sort.Search(len(s.rows), func(i int) bool { return !s.rows[i].t.Before(start) })
	hi := sort.Search(len(s.rows), func(i int) bool { return s.rows[i].t.After(end) })
	v := view{cols: s.cols[:len(s.cols):len(s.cols)], gpus: s.gpuList()}
	if lo < hi {
		v.rows = append([]row(nil), s.rows[lo:hi]...)
	}
	for _, g := range s.gaps {
		if !g.Before(start) && !g.After(end) {
			v.gaps++
		}
	}
	return v
}

// last returns a view of the newest n rows.
func (s *store) last(n int) view {
	s.mu.Lock()
	defer s.mu.Unlock()
	lo := max(len(s.rows)-n, 0)
	return view{
		cols: s.cols[:len(s.cols):len(s.cols)],
		rows: append([]row(nil), s.rows[lo:]...),
		gpus: s.gpuList(),
	}
}

func (s *store) gpuList() []result.GPUInfo {
	out := make([]result.GPUInfo, 0, len(s.gpuOrder))
	for _, u := range s.gpuOrder {
		out = append(out, s.gpus[u])
	}
	return out
}

// counts returns the samples and gaps so far and the first distinct errors.
func (s *store) counts() (samples, gaps int64, errs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int64(len(s.rows)), int64(len(s.gaps)), append([]string(nil), s.firstErrors...)
}

// newest returns the newest reading's time, the newest gap's time and its
// error; zero times when there is none.
func (s *store) newest() (reading, gap time.Time, gapErr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.rows); n > 0 {
		reading = s.rows[n-1].t
	}
	if n := len(s.gaps); n > 0 {
		gap = s.gaps[n-1]
	}
	return reading, gap, s.lastGapErr
}

// value returns row r's value of column i and whether it is present.
func (v view) value(r row, i int) (float64, bool) {
	if i >= len(r.vals) || math.IsNaN(r.vals[i]) {
		return 0, false
	}
	return r.vals[i], true
}

// column returns the present values of column i, oldest first.
func (v view) column(i int) []float64 {
	var out []float64
	for _, r := range v.rows {
		if x, ok := v.value(r, i); ok {
			out = append(out, x)
		}
	}
	return out
}

// gauge returns the values of classGauge field f, oldest first. A gauge is
// summed over its label sets at scrape time, so it has one column at most.
func (v view) gauge(f string) []float64 {
	if cols := v.columns(classGauge, f); len(cols) > 0 {
		return v.column(cols[0])
	}
	return nil
}

// columns returns the indexes of the columns of class c and field f.
func (v view) columns(c class, f string) []int {
	var out []int
	for i, k := range v.cols {
		if k.class == c && k.field == f {
			out = append(out, i)
		}
	}
	return out
}
