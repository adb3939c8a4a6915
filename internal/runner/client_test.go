package runner

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// clientKinds are the two clients a target can get: fasthttp for plain
// http (what newClient picks for these URLs) and net/http (what https gets),
// made here for the same loopback URL so each check runs against both.
var clientKinds = []struct {
	name string
	make func(tg *target, maxConns int) client
}{
	{"fasthttp", func(tg *target, n int) client { return tg.newFastClient(n) }},
	{"net/http", func(tg *target, n int) client { return tg.newStdClient(n) }},
}

func testTarget(url string, mod func(*dsl.Target)) *target {
	t := &dsl.Target{Name: "t", Method: "GET", URL: url, Timeout: 5 * time.Second}
	if mod != nil {
		mod(t)
	}
	return newTarget(t, nil, "test")
}

// newClient picks fasthttp for http and net/http for https.
func TestNewClientPicks(t *testing.T) {
	if _, ok := testTarget("http://127.0.0.1:1/", nil).newClient(1).(*fastClient); !ok {
		t.Error("http target: not the fasthttp client")
	}
	if _, ok := testTarget("https://127.0.0.1:1/", nil).newClient(1).(*stdClient); !ok {
		t.Error("https target: not the net/http client")
	}
}

// Both clients put the same request on the wire: method, path and query as
// written, the scenario's headers, the body, our User-Agent, and no
// Content-Type the scenario did not set.
func TestClientsSendTheSameRequest(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			var got atomic.Value
			var srv *countingServer
			srv = newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				host := "default"
				if r.Host != strings.TrimPrefix(srv.URL, "http://") {
					host = r.Host
				}
				got.Store(fmt.Sprintf("%s %s host=%s ua=%q ct=%q x=%q len=%d body=%q", r.Method, r.RequestURI, host,
					r.UserAgent(), r.Header.Get("Content-Type"), r.Header.Get("X-Model"), r.ContentLength, b))
			})
			for _, tc := range []struct {
				mod  func(*dsl.Target)
				want string
			}{
				{func(t *dsl.Target) { t.URL += "/v2/models/m/infer?x=1&y=%2F" },
					`GET /v2/models/m/infer?x=1&y=%2F host=default ua="harness/test" ct="" x="" len=0 body=""`},
				{func(t *dsl.Target) {
					t.URL += "/api"
					t.Method, t.Body = "POST", []byte("\xff\x00jpeg")
					t.Headers = map[string]string{"X-Model": "resnet", "Content-Type": "image/jpeg", "User-Agent": "mine"}
				}, `POST /api host=default ua="mine" ct="image/jpeg" x="resnet" len=6 body="\xff\x00jpeg"`},
				{func(t *dsl.Target) {
					t.URL += "/raw"
					t.Method, t.Body = "PUT", []byte("abc")
					t.Headers = map[string]string{"host": "api.example"}
				},
					`PUT /raw host=api.example ua="harness/test" ct="" x="" len=3 body="abc"`},
			} {
				tg := testTarget(srv.URL, tc.mod)
				c := kind.make(tg, 1)
				status, _, err := c.exchange(nil)
				c.close()
				if err != nil || status != 200 {
					t.Fatalf("%s: status %d, %v", tg.t.URL, status, err)
				}
				if got.Load() != tc.want {
					t.Errorf("server got\n  %s\nwant\n  %s", got.Load(), tc.want)
				}
			}
		})
	}
}

// A body longer than keepCap is read to the end (all bytes counted, the
// first keepCap kept) and the connection is reused; so are chunked bodies
// and bodiless responses.
func TestClientsReadBodiesThrough(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), keepCap/16+4096) // keepCap + 64 KiB
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/big":
					// The length set up front, as servers answering HEAD do: without it
					// net/http's server closes a HEAD connection it wrote over 2 KiB to.
					w.Header().Set("Content-Length", fmt.Sprint(len(big)))
					_, _ = w.Write(big)
				case "/chunked":
					for i := 0; i < 3; i++ {
						_, _ = io.WriteString(w, strings.Repeat("x", 1000))
						w.(http.Flusher).Flush()
					}
				case "/empty":
					w.WriteHeader(http.StatusNoContent)
				}
			})
			for _, tc := range []struct {
				path   string
				method string
				status int
				n      int64
			}{
				{"/big", "GET", 200, int64(len(big))},
				{"/chunked", "GET", 200, 3000},
				{"/empty", "GET", 204, 0},
				{"/big", "HEAD", 200, 0},
				{"/big", "GET", 200, int64(len(big))},
			} {
				tg := testTarget(srv.URL+tc.path, func(t *dsl.Target) { t.Method = tc.method })
				c := kind.make(tg, 1)
				for i := 0; i < 3; i++ {
					var keep bytes.Buffer
					status, n, err := c.exchange(&keep)
					if err != nil || status != tc.status || n != tc.n {
						t.Fatalf("%s %s: status %d, %d bytes, %v; want %d, %d bytes", tc.method, tc.path, status, n, err, tc.status, tc.n)
					}
					if want := min(int(tc.n), keepCap); keep.Len() != want {
						t.Errorf("%s %s: kept %d bytes, want %d", tc.method, tc.path, keep.Len(), want)
					}
				}
				c.close()
			}
			// 5 targets × 3 exchanges over one connection per client.
			if conns := srv.conns.Load(); conns != 5 {
				t.Errorf("%d connections for 5 clients of 3 exchanges each, want 5 (kept alive)", conns)
			}
		})
	}
}

// A keep-alive connection the server closed while it sat idle is not an
// error: the request goes out again on a new connection, once.
func TestClientsRetryAStaleConnectionOnce(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := newCountingServerConfig(t, nil, func(s *http.Server) { s.IdleTimeout = 30 * time.Millisecond })
			c := kind.make(testTarget(srv.URL, nil), 1)
			defer c.close()
			for i := 0; i < 3; i++ {
				if status, _, err := c.exchange(nil); err != nil || status != 200 {
					t.Fatalf("exchange %d: status %d, %v", i, status, err)
				}
				time.Sleep(100 * time.Millisecond) // past the server's idle timeout
			}
			if n := srv.served.Load(); n != 3 {
				t.Errorf("server served %d, want 3", n)
			}
		})
	}
}

// A server that drops every connection without answering gives reset
// errors, and each request is sent once: a fresh connection the server hung
// up on is never retried (nor five times, fasthttp's default).
func TestClientsDoNotHideResets(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			var attempts atomic.Int64
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				attempts.Add(1)
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					conn.Close()
				}
			})
			c := kind.make(testTarget(srv.URL, nil), 1)
			defer c.close()
			for i := 0; i < 3; i++ {
				_, _, err := c.exchange(nil)
				if err == nil || classify(err) != ClassReset {
					t.Fatalf("exchange %d: %v (class %q), want a reset", i, err, classify(err))
				}
			}
			if n := attempts.Load(); n != 3 {
				t.Errorf("%d attempts for 3 requests, want 3", n)
			}
		})
	}
}

// The target timeout bounds the whole exchange, reading the body included.
func TestClientsTimeOut(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			release := make(chan struct{})
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(release) }) })
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/body" { // headers now, the body never
					_, _ = io.WriteString(w, "partial")
					w.(http.Flusher).Flush()
				}
				select {
				case <-release:
				case <-r.Context().Done():
				}
			})
			for _, path := range []string{"/headers", "/body"} {
				tg := testTarget(srv.URL+path, func(t *dsl.Target) { t.Timeout = 150 * time.Millisecond })
				c := kind.make(tg, 1)
				start := time.Now()
				_, _, err := c.exchange(nil)
				took := time.Since(start)
				c.close()
				if err == nil || classify(err) != ClassTimeout {
					t.Errorf("%s: %v (class %q), want a timeout", path, err, classify(err))
				}
				if took < 150*time.Millisecond || took > 2*time.Second {
					t.Errorf("%s: gave up after %v, want about 150ms", path, took)
				}
			}
			once.Do(func() { close(release) })
		})
	}
}

// The open model's shared client runs up to maxConns exchanges at once.
func TestFastClientConcurrent(t *testing.T) {
	srv := newCountingServer(t, sleepHandler(50*time.Millisecond))
	c := testTarget(srv.URL, nil).newClient(8)
	defer c.close()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _, err := c.exchange(nil); err != nil || status != 200 {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	if failed.Load() != 0 || srv.maxSeen.Load() != 8 {
		t.Errorf("%d failed, %d at once; want 0 failed, 8 at once", failed.Load(), srv.maxSeen.Load())
	}
}

// A redirect is not followed by either client: the 3xx is what is measured.
func TestClientsDoNotFollowRedirects(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/old" {
					http.Redirect(w, r, "/new", http.StatusFound)
				}
			})
			c := kind.make(testTarget(srv.URL+"/old", nil), 1)
			defer c.close()
			if status, _, err := c.exchange(nil); err != nil || status != http.StatusFound {
				t.Errorf("status %d, %v; want 302", status, err)
			}
			if n := srv.served.Load(); n != 1 {
				t.Errorf("server served %d, want 1 (the redirect not followed)", n)
			}
		})
	}
}

// Response headers up to 7 KiB are read by both clients.
func TestClientsReadLongHeaders(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Long", strings.Repeat("v", 7<<10))
				_, _ = io.WriteString(w, "ok")
			})
			c := kind.make(testTarget(srv.URL, nil), 1)
			defer c.close()
			if status, n, err := c.exchange(nil); err != nil || status != 200 || n != 2 {
				t.Errorf("status %d, %d bytes, %v; want 200, 2 bytes", status, n, err)
			}
		})
	}
}

// BenchmarkClients is one exchange on a kept-alive loopback connection,
// including the target's bookkeeping (do): go test -bench Clients -benchmem
// ./internal/runner. The peers run (bench/peers.sh) is the end-to-end figure.
func BenchmarkClients(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"score":0.5}`) }))
	defer srv.Close()
	for _, kind := range clientKinds {
		b.Run(kind.name, func(b *testing.B) {
			benchDo(b, testTarget(srv.URL, nil), kind.make)
		})
	}
}

// benchDo times tg.do on one client of newClient's, each exchange ok.
func benchDo(b *testing.B, tg *target, newClient func(*target, int) client) {
	c := newClient(tg, 1)
	defer c.close()
	var r Result
	b.ReportAllocs()
	for b.Loop() {
		r.Scheduled = time.Now()
		tg.do(c, &r)
		if r.Class != "" {
			b.Fatal(r.Err)
		}
	}
}
