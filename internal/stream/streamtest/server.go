// Package streamtest serves OpenAI-style token streams on a schedule the
// server knows, and records what it emitted, so that a client's measured
// time to first token and time per output token can be compared with the
// truth (the streaming benchmarks in internal/runner and bench/).
package streamtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/harness-gpu/harness/internal/arrival"
)

// Schedule is one stream's timing: a role-only chunk at once, the first
// token after First, then one token every Every, Tokens in all, then a
// usage chunk and [DONE].
type Schedule struct {
	First, Every time.Duration
	Tokens       int
}

// Query is s as the URL query ServeHTTP reads it from.
func (s Schedule) Query() string {
	return fmt.Sprintf("first=%s&every=%s&tokens=%d", s.First, s.Every, s.Tokens)
}

// Length is how long one stream takes from its request to its last token.
func (s Schedule) Length() time.Duration {
	return s.First + s.Every*time.Duration(max(0, s.Tokens-1))
}

// Records are the emitted TTFT (from the request's arrival to writing the
// first token) and TPOT (first to last token over Tokens-1) of the streams
// a server served, in the order they ended, and the wall-clock times
// (Unix ns) each request arrived and its first token was written, which a
// client on the same host can set beside its own. A request's arrival is
// the kernel's receive time of its bytes where the listener is Listen's
// (internal/arrival), so that a server starved of CPU by the client beside
// it does not count its own wait as the client's error; otherwise it is
// when the handler began.
type Records struct {
	TTFT  []time.Duration `json:"ttft_ns"`
	TPOT  []time.Duration `json:"tpot_ns"`
	Start []int64         `json:"start_unix_ns"`
	First []int64         `json:"first_unix_ns"`
}

// Server streams by the schedule in each request's query (first, every,
// tokens; 50ms, 20ms and 50 when absent) and records what it emitted. A
// connection's first stream is served but not recorded when the
// http.Server uses ConnContext: its client spent part of it dialling.
type Server struct {
	mu  sync.Mutex
	rec Records
}

// Listen listens on addr, a loopback TCP address, timing each connection's
// reads with the kernel's receive times.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return arrivalListener{ln}, nil
}

type arrivalListener struct{ net.Listener }

func (l arrivalListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return arrival.WrapConn(c), nil
}

// connState is what ServeHTTP knows of a request's connection.
type connState struct {
	streams int
	conn    *arrival.Conn // nil unless the listener is Listen's
}

type connKey struct{}

// ConnContext is for http.Server.ConnContext: it lets ServeHTTP tell a
// connection's first stream and when its requests arrived.
func (s *Server) ConnContext(ctx context.Context, c net.Conn) context.Context {
	ac, _ := c.(*arrival.Conn)
	return context.WithValue(ctx, connKey{}, &connState{conn: ac})
}

// Take returns the records so far and starts afresh.
func (s *Server) Take() Records {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rec
	s.rec = Records{}
	return r
}

// RecordsHandler serves Take as JSON, for a client in another process.
func (s *Server) RecordsHandler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.Take())
}

// ParseSchedule reads a Schedule from a request's query.
func ParseSchedule(r *http.Request) (Schedule, error) {
	s := Schedule{First: 50 * time.Millisecond, Every: 20 * time.Millisecond, Tokens: 50}
	q := r.URL.Query()
	var err error
	if v := q.Get("first"); v != "" {
		if s.First, err = time.ParseDuration(v); err != nil {
			return s, err
		}
	}
	if v := q.Get("every"); v != "" {
		if s.Every, err = time.ParseDuration(v); err != nil {
			return s, err
		}
	}
	if v := q.Get("tokens"); v != "" {
		if s.Tokens, err = strconv.Atoi(v); err != nil {
			return s, err
		}
	}
	if s.First < 0 || s.Every < 0 || s.Tokens < 2 || s.Tokens > 100000 {
		return s, fmt.Errorf("schedule %+v out of range", s)
	}
	return s, nil
}

const (
	roleChunk  = `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}` + "\n\n"
	tokenChunk = `data: {"choices":[{"index":0,"delta":{"content":"t"}}]}` + "\n\n"
)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	cs, _ := r.Context().Value(connKey{}).(*connState)
	if cs != nil && cs.conn != nil {
		// The connection's last read is this request's: a client sends
		// its next request only after this response.
		if at, ok := cs.conn.Arrival(); ok && !at.After(start) {
			start = at
		}
	}
	sched, err := ParseSchedule(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	_, _ = io.WriteString(w, roleChunk)
	fl.Flush()
	t := time.NewTimer(sched.First)
	defer t.Stop()
	var firstAt, lastAt time.Time
	for i := range sched.Tokens {
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		}
		t.Reset(sched.Every)
		_, _ = io.WriteString(w, tokenChunk)
		fl.Flush()
		lastAt = time.Now()
		if i == 0 {
			firstAt = lastAt
		}
	}
	_, _ = fmt.Fprintf(w, `data: {"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":%d,"total_tokens":%d}}`+"\n\ndata: [DONE]\n\n", sched.Tokens, sched.Tokens+8)
	fl.Flush()
	if cs != nil {
		cs.streams++ // a connection serves one request at a time
		if cs.streams == 1 {
			return
		}
	}
	s.mu.Lock()
	s.rec.TTFT = append(s.rec.TTFT, firstAt.Sub(start))
	s.rec.TPOT = append(s.rec.TPOT, lastAt.Sub(firstAt)/time.Duration(sched.Tokens-1))
	s.rec.Start, s.rec.First = append(s.rec.Start, start.UnixNano()), append(s.rec.First, firstAt.UnixNano())
	s.mu.Unlock()
}
