package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/harness-gpu/harness/internal/kserve"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// grpcService is Triton's KServe v2 GRPCInferenceService for the one model.
type grpcService struct {
	pb.UnimplementedGRPCInferenceServiceServer
	s *Server
}

func (g grpcService) ServerLive(context.Context, *pb.ServerLiveRequest) (*pb.ServerLiveResponse, error) {
	return &pb.ServerLiveResponse{Live: g.s.live()}, nil
}

func (g grpcService) ServerReady(context.Context, *pb.ServerReadyRequest) (*pb.ServerReadyResponse, error) {
	return &pb.ServerReadyResponse{Ready: g.s.ready()}, nil
}

func (g grpcService) ModelReady(_ context.Context, r *pb.ModelReadyRequest) (*pb.ModelReadyResponse, error) {
	return &pb.ModelReadyResponse{Ready: knownModel(r.GetName(), r.GetVersion()) && g.s.ready()}, nil
}

func (g grpcService) ModelInfer(ctx context.Context, r *pb.ModelInferRequest) (*pb.ModelInferResponse, error) {
	req, err := kserve.FromProto(r)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	resp, ierr := g.s.infer(ctx, r.GetModelName(), r.GetModelVersion(), req)
	if ierr != nil {
		return nil, status.Error(ierr.code, ierr.msg)
	}
	return resp.Proto(), nil
}

// ServeGRPC serves the KServe v2 gRPC API on addr ("127.0.0.1:0" picks a
// free port), through the same batcher as the HTTP routes, until Close. It
// returns the target URL, e.g. "grpc://127.0.0.1:41235".
func (s *Server) ServeGRPC(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("sim: gRPC listen on %s: %w", addr, err)
	}
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(maxBody))
	pb.RegisterGRPCInferenceServiceServer(gs, grpcService{s: s})
	// Registered under the lock Close closes done under: a server is either
	// on the list Close stops or refused here, never left running.
	s.httpMu.Lock()
	select {
	case <-s.done:
		s.httpMu.Unlock()
		_ = ln.Close()
		return "", errors.New("sim: ServeGRPC after Close")
	default:
	}
	s.grpcSrvs = append(s.grpcSrvs, gs)
	s.httpMu.Unlock()
	go func() { _ = gs.Serve(ln) }() // returns after Stop
	return "grpc://" + ln.Addr().String(), nil
}

// stopGRPC lets calls in flight finish (the batcher has failed them by
// now) for up to 2 s, then closes every connection.
func stopGRPC(gs *grpc.Server) {
	done := make(chan struct{})
	go func() { gs.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		gs.Stop()
	}
}
