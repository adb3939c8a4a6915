package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/sim"
)

func newSimCmd(a *app) *cobra.Command {
	var gpu, addr, grpcAddr string
	cmd := &cobra.Command{
		Use:   "sim [--gpu PROFILE] [--addr HOST:PORT] [--grpc-addr HOST:PORT]",
		Short: "Serve the simulated inference server alone, to point any scenario at",
		Long: `sim serves the built-in simulated inference stack: a Flask-style backend
(POST /api/ai-quality, GET /health) in front of a Triton-like dynamic batcher on
one simulated GPU (/v2/health/ready, /metrics), with a dcgm-exporter page
(/dcgm/metrics). The model also answers KServe v2 inference, over REST
(POST /v2/models/efficient_fiqa/infer, JSON or binary tensors) and over gRPC on
--grpc-addr, through the same batcher. The same GPU also runs an OpenAI-compatible
LLM engine with continuous batching and a KV cache (POST /v1/chat/completions and
/v1/completions, streaming or not; GET /v1/models), with vLLM's /metrics page at
/vllm/metrics. It serves until Ctrl-C.

GPU profiles: ` + strings.Join(sim.ProfileNames(), ", ") + `.`,
		Example: `  harness sim --gpu rtx5090 --addr 127.0.0.1:8000
  harness run scenarios/demo.hcl --var backend=http://127.0.0.1:8000
  harness run scenarios/llm-demo.hcl --var base=http://127.0.0.1:8000`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return runSim(a, gpu, addr, grpcAddr) },
	}
	cmd.Flags().StringVar(&gpu, "gpu", "rtx3060", "GPU profile: "+strings.Join(sim.ProfileNames(), ", "))
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8000", "listen address; port 0 picks a free port")
	cmd.Flags().StringVar(&grpcAddr, "grpc-addr", "127.0.0.1:8001", `KServe v2 gRPC listen address (Triton's port is 8001); port 0 picks a free port, "" serves no gRPC`)
	return cmd
}

// runSim serves until the context ends (the first Ctrl-C), then shuts the
// server down and exits 0: stopping is the normal end of a server.
func runSim(a *app, gpu, addr, grpcAddr string) error {
	p, err := sim.ProfileByName(gpu)
	if err != nil {
		return exitcode.Wrap(exitcode.Usage, fmt.Errorf("--gpu: %w", err))
	}
	srv, url, err := sim.Start(a.ctx, addr, sim.Config{Profile: p})
	if err != nil {
		return exitcode.Wrap(exitcode.Internal, err)
	}
	grpcURL := ""
	if grpcAddr != "" {
		if grpcURL, err = srv.ServeGRPC(grpcAddr); err != nil {
			return exitcode.Wrap(exitcode.Internal, errors.Join(err, srv.Close()))
		}
	}
	if err := printSimBanner(a, p, url, grpcURL); err != nil {
		return exitcode.Wrap(exitcode.Internal, errors.Join(err, srv.Close()))
	}
	<-a.ctx.Done()
	if err := srv.Close(); err != nil {
		return exitcode.Wrap(exitcode.Internal, fmt.Errorf("sim: shutting down: %w", err))
	}
	_, err = fmt.Fprintln(a.stdout, "harness sim: stopped")
	return exitcode.Wrap(exitcode.Internal, err)
}

func printSimBanner(a *app, p sim.Profile, url, grpcURL string) error {
	_, err := fmt.Fprintf(a.stdout, `harness sim: %s (%s, %d model instances, max batch %d) listening on %s
  POST %s/api/ai-quality              {"image": "<base64 JPEG or PNG>"}
  GET  %s/health                      backend health
  GET  %s/v2/health/ready             Triton readiness (also /v2/health/live, /v2/models/%s/ready)
  GET  %s/metrics                     Triton metrics (model %q)
  GET  %s/dcgm/metrics                dcgm-exporter metrics
  POST %s/v2/models/%s/infer  KServe v2 inference (JSON or binary tensors)
`, p.Name, p.GPUName, p.Instances, p.MaxBatch, url, url, url, url, sim.ModelName, url, sim.ModelName, url, url, sim.ModelName)
	if err != nil {
		return err
	}
	if grpcURL != "" {
		_, err = fmt.Fprintf(a.stdout, "  gRPC %s  KServe v2 GRPCInferenceService (model %q)\n", grpcURL, sim.ModelName)
		if err != nil {
			return err
		}
	}
	_, err = fmt.Fprintln(a.stdout, "Press Ctrl-C to stop.")
	return err
}
