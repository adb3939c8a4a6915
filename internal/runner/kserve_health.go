package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// pollGRPCHealth is a grpc:// health check: KServe's ServerReady, and
// ModelReady when the check names a model, polled like an HTTP check until
// both say ready or the timeout passes.
func pollGRPCHealth(ctx context.Context, h *dsl.Health, cfg *tls.Config) error {
	timeout, interval := orDefault(h.Timeout, dsl.DefaultTimeout), orDefault(h.Interval, time.Second)
	fail := func(last string) error {
		return exitcode.Wrap(exitcode.Precondition,
			fmt.Errorf("health %q: %s not ready after %s: %s", h.Name, h.URL, timeout, last))
	}
	u, err := url.Parse(h.URL)
	if err != nil {
		return fail(err.Error())
	}
	creds := insecure.NewCredentials()
	if u.Scheme == "grpcs" {
		if cfg == nil {
			cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		creds = credentials.NewTLS(cfg)
	}
	cc, err := grpc.NewClient("passthrough:///"+u.Host, grpc.WithTransportCredentials(creds))
	if err != nil {
		return fail(err.Error())
	}
	defer cc.Close()
	c := pb.NewGRPCInferenceServiceClient(cc)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := "no answer yet"
	for {
		ready, why, err := grpcReady(ctx, c, h.Model, min(interval, timeout))
		switch {
		case err == nil && ready:
			return nil
		case err != nil && ctx.Err() != nil && last != "no answer yet":
			// cut by the check's own timeout: the answer before says more
		case err != nil:
			last = grpcError(err).Error()
		default:
			last = why
		}
		if sleep(ctx.Done(), interval) != nil {
			return fail(last)
		}
	}
}

// grpcReady asks ServerReady, then ModelReady for model, bounded by per.
func grpcReady(ctx context.Context, c pb.GRPCInferenceServiceClient, model string, per time.Duration) (bool, string, error) {
	ctx, cancel := context.WithTimeout(ctx, per)
	defer cancel()
	sr, err := c.ServerReady(ctx, &pb.ServerReadyRequest{})
	if err != nil || !sr.GetReady() {
		return false, "ServerReady: false", err
	}
	if model == "" {
		return true, "", nil
	}
	mr, err := c.ModelReady(ctx, &pb.ModelReadyRequest{Name: model})
	if err != nil || !mr.GetReady() {
		return false, fmt.Sprintf("ModelReady(%q): false", model), err
	}
	return true, "", nil
}
