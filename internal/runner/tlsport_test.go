package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
)

// acceptLoop serves every connection of ln with serve until ln closes.
func acceptLoop(t *testing.T, ln net.Listener, serve func(net.Conn)) string {
	t.Helper()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				serve(c)
			}()
		}
	}()
	return "http://" + ln.Addr().String() + "/"
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// tlsPortServers are servers at a TLS port as a plain-http request meets
// them: net/http's (a 400 of its own), a bare TLS listener (closes without a
// word, which fasthttp reports with advice about "connection: close") and
// one that sends a TLS alert record (OpenSSL-style).
func tlsPortServers(t *testing.T) map[string]string {
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	hs.Config.ErrorLog = log.New(io.Discard, "", 0) // its note of each plain request
	hs.StartTLS()
	t.Cleanup(hs.Close)
	bare := acceptLoop(t, tls.NewListener(listen(t), hs.TLS), func(c net.Conn) { _ = c.(*tls.Conn).Handshake() })
	alert := acceptLoop(t, listen(t), func(c net.Conn) {
		buf := make([]byte, 4096)
		if _, err := c.Read(buf); err != nil {
			return
		}
		if buf[0] == 0x16 { // a ClientHello: answer it with a handshake_failure alert as well
			_, _ = c.Write([]byte("\x15\x03\x03\x00\x02\x02\x28"))
			return
		}
		_, _ = c.Write([]byte("\x15\x03\x01\x00\x02\x02\x46"))
	})
	return map[string]string{
		"net/http TLS server": strings.Replace(hs.URL, "https://", "http://", 1) + "/",
		"bare TLS listener":   bare,
		"TLS alert":           alert,
	}
}

const tlsHint = "this looks like a TLS server: use https://"

// http:// at a TLS port says so, whichever client and whatever the TLS
// server does with the plain request: class tls, or the 400 net/http's
// server answers, with the hint.
func TestPlainHTTPAtTLSPortSaysSo(t *testing.T) {
	for name, url := range tlsPortServers(t) {
		for _, kind := range clientKinds {
			for _, streamed := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/stream=%v", name, kind.name, streamed), func(t *testing.T) {
					tg := testTarget(url, func(t *dsl.Target) {
						if streamed {
							t.Stream = &dsl.Stream{Format: dsl.StreamOpenAI}
						}
					})
					c := kind.make(tg, 1)
					defer c.close()
					r := &Result{Scheduled: time.Now()}
					tg.do(c, r)
					if !strings.Contains(r.Err, tlsHint) || strings.Contains(r.Err, "connection: close") ||
						r.Class != ClassTLS && !(r.Class == ClassStatus && r.Status == 400) {
						t.Errorf("class %q, message %q; want it to say %q", r.Class, r.Err, tlsHint)
					}
				})
			}
		}
	}
}

// A plain-http server that resets or answers 400 is not taken for a TLS one.
func TestPlainHTTPServerIsNoTLSServer(t *testing.T) {
	reset := acceptLoop(t, listen(t), func(c net.Conn) {
		buf := make([]byte, 4096)
		_, _ = c.Read(buf)
	})
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(400) }))
	t.Cleanup(bad.Close)
	for name, url := range map[string]string{"reset": reset, "400": bad.URL} {
		for _, kind := range clientKinds {
			t.Run(name+"/"+kind.name, func(t *testing.T) {
				tg := testTarget(url, nil)
				c := kind.make(tg, 1)
				defer c.close()
				r := &Result{Scheduled: time.Now()}
				tg.do(c, r)
				if r.Class == "" || strings.Contains(r.Err, tlsHint) {
					t.Errorf("class %q, message %q; want a failure that is no TLS hint", r.Class, r.Err)
				}
			})
		}
	}
}

// A plain-http health check at a TLS port says so too.
func TestHealthAtTLSPortSaysSo(t *testing.T) {
	for name, url := range tlsPortServers(t) {
		t.Run(name, func(t *testing.T) {
			err := CheckHealth(context.Background(), []*dsl.Health{{Name: "h", URL: url, Timeout: 200 * time.Millisecond, Interval: 100 * time.Millisecond}}, nil)
			if err == nil || !strings.Contains(err.Error(), tlsHint) {
				t.Errorf("health: %v; want it to say %q", err, tlsHint)
			}
		})
	}
}
