package runner

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"time"

	"google.golang.org/grpc"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// pollGRPCHealth is a grpc:// health check: KServe's ServerReady, and
// ModelReady when the check names a model, polled like an HTTP check until
// both say ready or the timeout passes.
func pollGRPCHealth(ctx context.Context, h *dsl.Health, cfg *tls.Config) error {
	u, err := url.Parse(h.URL)
	if err != nil {
		return notReady(h, orDefault(h.Timeout, dsl.DefaultTimeout), errMessage(err))
	}
	cc, err := grpc.NewClient("passthrough:///"+u.Host, grpc.WithTransportCredentials(grpcCredentials(u, cfg)))
	if err != nil {
		return notReady(h, orDefault(h.Timeout, dsl.DefaultTimeout), errMessage(err))
	}
	defer cc.Close()
	c := pb.NewGRPCInferenceServiceClient(cc)
	return poll(ctx, h, func(ctx context.Context, per time.Duration) (bool, string, error) {
		ready, why, err := grpcReady(ctx, c, h.Model, per)
		if err != nil {
			err = grpcError(err)
		}
		return ready, why, err
	}, nil)
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
