package sampler

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// minStartTimeout bounds Start for a sampler whose own timeout is shorter:
// NVML's first Init can take seconds on a GPU without persistence mode.
const minStartTimeout = 10 * time.Second

// Group runs a scenario's samplers and aggregates their readings.
type Group struct {
	opts    Options
	members []*member
}

// member is one sampler with its configuration, store and state.
type member struct {
	cfg      *dsl.Sampler
	s        Sampler
	st       *store
	started  bool
	startAt  time.Time // when Start returned successfully
	startErr error
	// token admits one sample at a time: a sample stuck past its deadline
	// keeps it until it returns, so hung samples never pile up.
	token chan struct{}
}

// NewGroup builds the samplers of cfgs; nothing is contacted until Start.
func NewGroup(cfgs []*dsl.Sampler, opts Options) (*Group, error) {
	samplers := make([]Sampler, len(cfgs))
	for i, c := range cfgs {
		if c == nil {
			return nil, fmt.Errorf("sampler %d: nil configuration", i)
		}
		switch c.Kind {
		case dsl.SamplerNVML:
			samplers[i] = newNVML(c, opts)
		case dsl.SamplerTriton:
			samplers[i] = newTriton(c, opts)
		case dsl.SamplerDCGM:
			samplers[i] = newDCGM(c, opts)
		case dsl.SamplerPrometheus:
			samplers[i] = newProm(c, opts)
		case dsl.SamplerVLLM:
			samplers[i] = newVLLM(c, opts)
		default:
			return nil, fmt.Errorf("sampler %q: unknown kind %q (want one of %v)", c.Name, c.Kind, dsl.SamplerKinds)
		}
	}
	return newGroup(cfgs, samplers, opts), nil
}

// newGroup pairs configurations with samplers; tests pass fakes.
func newGroup(cfgs []*dsl.Sampler, samplers []Sampler, opts Options) *Group {
	g := &Group{opts: opts}
	for i, c := range cfgs {
		g.members = append(g.members, &member{cfg: c, s: samplers[i], st: newStore(), token: make(chan struct{}, 1)})
	}
	return g
}

func (m *member) interval() time.Duration {
	if m.cfg.Interval > 0 {
		return m.cfg.Interval
	}
	return time.Second
}

// timeout is the per-sample deadline: Timeout, else the interval.
func (m *member) timeout() time.Duration {
	if m.cfg.Timeout > 0 {
		return m.cfg.Timeout
	}
	return m.interval()
}

func (m *member) label() string { return fmt.Sprintf("sampler %q (%s)", m.cfg.Name, m.cfg.Kind) }

// Start starts every sampler concurrently, each bounded by its timeout (at
// least 10 s). A non-optional sampler that cannot start makes Start return
// an exitcode.Precondition error naming every such sampler and why; an
// optional one is recorded (Infos, Window's Error) and the run goes on. The
// caller calls Close either way.
func (g *Group) Start(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, m := range g.members {
		wg.Go(func() {
			m.startErr = startBounded(ctx, m.s, max(m.timeout(), minStartTimeout))
			m.started = m.startErr == nil
			m.startAt = g.opts.now()
		})
	}
	wg.Wait()
	var errs []error
	for _, m := range g.members {
		if m.startErr != nil && !m.cfg.Optional {
			errs = append(errs, fmt.Errorf("%s could not start: %w", m.label(), m.startErr))
		}
	}
	return exitcode.Wrap(exitcode.Precondition, errors.Join(errs...))
}

// startBounded runs s.Start in its own goroutine so that a start that
// ignores ctx (an NVML call) cannot hold the run past d.
func startBounded(ctx context.Context, s Sampler, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Start(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("no answer within %s", d)
		}
		return ctx.Err()
	}
}

// Close closes every sampler. A sampler whose last sample is still stuck
// after its deadline is left alone rather than closed under that call.
func (g *Group) Close() error {
	var errs []error
	for _, m := range g.members {
		select {
		case m.token <- struct{}{}:
		case <-time.After(m.timeout()):
			errs = append(errs, fmt.Errorf("%s: not closed, a sample is still running", m.label()))
			continue
		}
		if err := m.s.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.label(), err))
		}
		<-m.token
	}
	return errors.Join(errs...)
}

// Infos says how each sampler fared: started or why not, samples, gaps and
// the first distinct sample errors.
func (g *Group) Infos() []result.SamplerInfo {
	out := make([]result.SamplerInfo, 0, len(g.members))
	for _, m := range g.members {
		samples, gaps, errs := m.st.counts()
		info := result.SamplerInfo{
			Name: m.cfg.Name, Kind: string(m.cfg.Kind), Optional: m.cfg.Optional,
			Started: m.started, Samples: samples, Gaps: gaps, FirstErrors: errs,
		}
		if m.startErr != nil {
			info.Error = m.startErr.Error()
		}
		out = append(out, info)
	}
	return out
}
