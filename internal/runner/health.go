package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// CheckHealth polls every health block concurrently until each answers one
// of its statuses (default 200) or its timeout (default 30 s) passes, every
// interval (default 1 s). It sends nothing else. A check that times out, or
// ctx ending first, gives an error carrying exitcode.Precondition that names
// the check, its URL and the last error or status seen. A TLS file that
// can't be read carries exitcode.Usage.
func CheckHealth(ctx context.Context, checks []*dsl.Health, logf func(string, ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, h := range checks {
		cfg, err := tlsConfig(h.TLS, fmt.Sprintf("health %q", h.Name), logf)
		if err != nil {
			return err
		}
		if dsl.GRPC(h.URL) {
			g.Go(func() error { return pollGRPCHealth(gctx, h, cfg) })
			continue
		}
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true}}
		g.Go(func() error {
			defer client.CloseIdleConnections()
			return pollHealth(gctx, client, h)
		})
	}
	return g.Wait()
}

func pollHealth(ctx context.Context, client *http.Client, h *dsl.Health) error {
	want := map[int]bool{}
	for _, s := range h.Status {
		want[s] = true
	}
	if len(want) == 0 {
		want[http.StatusOK] = true
	}
	var status int
	try := func(ctx context.Context, per time.Duration) (bool, string, error) {
		var err error
		status, err = probe(ctx, client, h, per)
		return want[status], fmt.Sprintf("status %d", status), err
	}
	hint := func(ctx context.Context, err error) string {
		if (err != nil || status == http.StatusBadRequest) && atTLSPort(ctx, h.URL) {
			return ": " + tlsPortHint
		}
		return ""
	}
	return poll(ctx, h, try, hint)
}

// poll asks try every interval (each try bounded by it: a hung server must
// not eat the whole timeout in one) until it says ready, or fails when the
// check's timeout passes, naming the last error or why (a status, a
// readiness answer) the last try was not ready. hint, when not nil, may
// add an explanation of the last failure, asked with the caller's ctx.
func poll(ctx context.Context, h *dsl.Health, try func(ctx context.Context, per time.Duration) (ready bool, why string, err error),
	hint func(ctx context.Context, lastErr error) string) error {
	timeout, interval := orDefault(h.Timeout, dsl.DefaultTimeout), orDefault(h.Interval, time.Second)
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "no answer yet"
	for {
		ready, why, err := try(ctx, min(interval, timeout))
		switch {
		case err == nil && ready:
			return nil
		case err != nil && ctx.Err() != nil && last != "no answer yet":
			// The try was cut by the check's own timeout: the answer before
			// it (refused, a status) says more than "deadline exceeded".
		case err != nil:
			last = errMessage(err)
		default:
			last = why
		}
		if sleep(ctx.Done(), interval) != nil {
			if hint != nil && parent.Err() == nil {
				last += hint(parent, err)
			}
			return notReady(h, timeout, last)
		}
	}
}

// notReady is a health check's failure: the service is not up, exit 3.
func notReady(h *dsl.Health, timeout time.Duration, last string) error {
	return exitcode.Wrap(exitcode.Precondition,
		fmt.Errorf("health %q: %s not ready after %s: %s", h.Name, h.URL, timeout, last))
}

// probe sends one health request, bounded by per (a hung server must not
// eat the whole timeout in one try).
func probe(ctx context.Context, client *http.Client, h *dsl.Health, per time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, per)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, h.Method, h.URL, nil) // "" is GET
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}

// atTLSPort asks whether an http:// health URL is at a TLS server, which
// explains its failures, within a second.
func atTLSPort(ctx context.Context, rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return plainURLAtTLSPort(ctx, &net.Dialer{}, u)
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
