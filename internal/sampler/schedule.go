package sampler

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Run samples every started sampler on its own interval, concurrently, until
// ctx is done. The first sample is taken at once. Each sample has a deadline
// (the sampler's timeout); a miss or an error is recorded as a gap with its
// error and the sampler goes on at its next tick. Because a stuck sample runs
// in its own goroutine and holds only its sampler's token, a hanging sampler
// never delays the others, the caller, or SampleNow beyond its deadline.
func (g *Group) Run(ctx context.Context) {
	var eg errgroup.Group
	for _, m := range g.members {
		if !m.started {
			continue
		}
		eg.Go(func() error {
			g.loop(ctx, m)
			return nil
		})
	}
	_ = eg.Wait() // loops return nil: errors are gaps, not failures
}

func (g *Group) loop(ctx context.Context, m *member) {
	tick := time.NewTicker(m.interval())
	defer tick.Stop()
	for {
		g.sampleOnce(ctx, m)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SampleNow takes one extra sample from every started sampler, concurrently,
// and returns when each has answered or reached its deadline: the closing
// sample of a step or an abort. Take a window's end after it returns, so
// that this sample falls inside the window. ctx's cancellation is ignored
// (its deadline-free values kept): the closing sample matters most right
// after an interrupt cancelled the run, and each sample is bounded anyway.
func (g *Group) SampleNow(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	var wg sync.WaitGroup
	for _, m := range g.members {
		if m.started {
			wg.Go(func() { g.sampleOnce(ctx, m) })
		}
	}
	wg.Wait()
}

type outcome struct {
	r   Reading
	err error
}

// sampleOnce takes one sample within the sampler's deadline, waiting for the
// sampler's token (a previous sample still running) inside that deadline
// too. The reading is stamped when the sample begins, as Prometheus stamps a
// scrape. An error with no points is a gap; an error with some points (one
// GPU of two failing) keeps the points and notes the error. A run that ends
// (ctx cancelled) mid-sample records nothing.
func (g *Group) sampleOnce(ctx context.Context, m *member) {
	d := m.timeout()
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	select {
	case m.token <- struct{}{}:
	case <-sctx.Done():
		if ctx.Err() == nil {
			m.st.gap(g.opts.now(), fmt.Errorf("sample skipped: the previous sample was still running after %s", d))
		}
		return
	}
	t := g.opts.now()
	res := make(chan outcome, 1)
	go func() {
		defer func() { <-m.token }()
		r, err := m.s.Sample(sctx)
		res <- outcome{r, err}
	}()
	var o outcome
	select {
	case o = <-res:
	case <-sctx.Done():
		o.err = sctx.Err()
	}
	switch {
	case ctx.Err() != nil:
		return
	case errors.Is(o.err, context.DeadlineExceeded) || (o.err != nil && sctx.Err() != nil):
		m.st.gap(t, fmt.Errorf("no answer within %s", d))
	case o.err != nil && len(o.r.Points) == 0:
		m.st.gap(t, o.err)
	default:
		inf := dropNonFinite(&o.r)
		if inf != nil && len(o.r.Points) == 0 {
			m.st.gap(t, inf)
			return
		}
		m.st.add(t, o.r)
		for _, err := range []error{o.err, inf} {
			if err != nil {
				m.st.note(err)
			}
		}
	}
}

// dropNonFinite removes the points that are not finite. NaN is how an
// exposition page says "no value" (an idle summary's quantiles): it is
// dropped silently, as a missing value. ±Inf is a legal page value, or a
// scrape-time sum past MaxFloat64; no window can aggregate it into anything a
// results file can hold, so it is dropped and the error names it. A reading
// left with nothing is then a gap.
func dropNonFinite(r *Reading) error {
	kept := r.Points[:0]
	var inf []string
	for _, p := range r.Points {
		switch {
		case math.IsNaN(p.Value):
		case math.IsInf(p.Value, 0):
			inf = append(inf, strings.TrimSpace(p.Field+" "+p.Entity))
		default:
			kept = append(kept, p)
		}
	}
	r.Points = kept
	if len(inf) == 0 {
		return nil
	}
	if len(inf) > 3 {
		inf = append(inf[:3], fmt.Sprintf("and %d more", len(inf)-3))
	}
	return fmt.Errorf("value not finite (±Inf), skipped: %s", strings.Join(inf, ", "))
}
