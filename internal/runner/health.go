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
// can't be read carries exitcode.Usage. Relative TLS paths resolve against
// baseDir (the scenario's directory).
func CheckHealth(ctx context.Context, checks []*dsl.Health, baseDir string, logf func(string, ...any)) error {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, h := range checks {
		cfg, err := tlsConfig(h.TLS, baseDir, fmt.Sprintf("health %q", h.Name), logf)
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
	timeout, interval := orDefault(h.Timeout, dsl.DefaultTimeout), orDefault(h.Interval, time.Second)
	want := map[int]bool{}
	for _, s := range h.Status {
		want[s] = true
	}
	if len(want) == 0 {
		want[http.StatusOK] = true
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "no answer yet"
	for {
		status, err := probe(ctx, client, h, min(interval, timeout))
		switch {
		case err == nil && want[status]:
			return nil
		case err != nil && ctx.Err() != nil && last != "no answer yet":
			// The probe was cut by the check's own timeout: the error before
			// it (refused, a status) says more than "deadline exceeded".
		case err != nil:
			last = errMessage(err)
		default:
			last = fmt.Sprintf("status %d", status)
		}
		if sleep(ctx.Done(), interval) != nil {
			if parent.Err() == nil && (err != nil || status == http.StatusBadRequest) && atTLSPort(parent, h.URL) {
				last += ": " + tlsPortHint
			}
			return exitcode.Wrap(exitcode.Precondition,
				fmt.Errorf("health %q: %s not ready after %s: %s", h.Name, h.URL, timeout, last))
		}
	}
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
