package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
)

// Config configures a simulated server.
type Config struct {
	Profile Profile
	Faults  Faults
	// Seed makes the fault decisions reproducible.
	Seed uint64
	// SampleInterval is how often the GPU readings are refreshed, like
	// DCGM's field sampling; default 1s.
	SampleInterval time.Duration
	// Hostname is dcgm-exporter's Hostname label; default "harness-sim".
	Hostname string
}

// Server is a running simulated inference stack. Create it with New or
// Start; Close stops it.
type Server struct {
	cfg   Config
	p     Profile
	b     *batcher
	gpu   *gpuModel
	stats *tritonStats
	dice  *dice
	llm   *llmEngine // the OpenAI-compatible endpoints' engine

	started time.Time

	crashed atomic.Bool // the crash fault fired
	// instFree[i] is when instance i finishes its current batch; only
	// instance i's goroutine touches it.
	instFree []time.Time

	done      chan struct{}
	wg        sync.WaitGroup
	closeOnce sync.Once

	httpMu   sync.Mutex
	httpSrv  *http.Server   // set by Start
	grpcSrvs []*grpc.Server // added by ServeGRPC
}

// New builds a server and starts its batcher, model instances and GPU
// sampler. Profile values the batcher cannot run with (no instances, no
// batch size, no input size) are raised to 1 so that New never fails; Start
// reports them as errors instead.
func New(cfg Config) *Server {
	if cfg.SampleInterval <= 0 {
		cfg.SampleInterval = time.Second
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "harness-sim"
	}
	p := cfg.Profile
	p.Instances, p.MaxBatch, p.InputSize = max(1, p.Instances), max(1, p.MaxBatch), max(1, p.InputSize)
	if p.LLM.BlockTokens < 1 || p.LLM.BandwidthGBs <= 0 || p.LLM.ChunkTokens < 1 || p.LLM.MaxRunning < 1 {
		p.LLM = Profiles()[0].LLM // a profile built without an LLM deployment gets the default one
	}
	cfg.Profile = p
	s := &Server{
		cfg: cfg, p: p,
		gpu:      newGPUModel(p, time.Now()),
		stats:    newTritonStats(),
		dice:     newDice(cfg.Seed),
		done:     make(chan struct{}),
		instFree: make([]time.Time, p.Instances),
		started:  time.Now(),
	}
	s.llm = newLLMEngine(p.LLM, p, s.gpu)
	f := cfg.Faults
	s.b = newBatcher(p, s.execute, int64(max(1, f.StallAfter)), f.Stall)
	s.wg.Add(2)
	go s.sampleLoop()
	go func() {
		defer s.wg.Done()
		s.llm.run()
	}()
	return s
}

// Profile returns the profile the server runs (after New's adjustments).
func (s *Server) Profile() Profile { return s.p }

func (s *Server) sampleLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.SampleInterval)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			s.gpu.sample(now)
		case <-s.done:
			return
		}
	}
}

// Close stops the HTTP server (if Start made one), fails queued and
// executing requests with 503, and waits for every goroutine. It is
// idempotent and safe to call concurrently.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.httpMu.Lock()
		hs, gss := s.httpSrv, s.grpcSrvs
		close(s.done) // under the lock: ServeGRPC registers under it too
		s.httpMu.Unlock()
		s.b.close()
		s.llm.close()
		s.wg.Wait()
		for _, gs := range gss {
			stopGRPC(gs)
		}
		if hs != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			if e := hs.Shutdown(ctx); e != nil {
				err = errors.Join(e, hs.Close())
			}
		}
	})
	return err
}

// Start builds a server and serves it on addr ("127.0.0.1:0" picks a free
// port) until ctx is done or Close is called. It returns the base URL,
// e.g. "http://127.0.0.1:41234".
func Start(ctx context.Context, addr string, cfg Config) (*Server, string, error) {
	if err := cfg.Profile.validate(); err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("sim: listen on %s: %w", addr, err)
	}
	s := New(cfg)
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.httpMu.Lock()
	s.httpSrv = hs
	s.httpMu.Unlock()
	go func() { _ = hs.Serve(ln) }() // returns ErrServerClosed after Close
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return s, "http://" + ln.Addr().String(), nil
}
