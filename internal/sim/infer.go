package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"net/http"
	"slices"

	"google.golang.org/grpc/codes"

	"github.com/harness-gpu/harness/internal/kserve"
)

// The model's KServe v2 interface: one RGB image, already resized to the
// profile's input size, in; its quality score out.
const (
	InputName  = "INPUT__0"  // UINT8 [batch, size, size, 3]
	OutputName = "OUTPUT__0" // FP32 [batch, 1]
)

// inferError is a failed inference, with the Triton error code that the
// REST path turns into a status (Triton's mapping: NOT_FOUND 404,
// UNAVAILABLE 503, INTERNAL 500, the rest 400) and gRPC sends as is.
type inferError struct {
	code codes.Code
	msg  string
}

func (e *inferError) Error() string { return e.msg }

func (e *inferError) httpStatus() int {
	switch e.code {
	case codes.NotFound:
		return http.StatusNotFound
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.Internal:
		return http.StatusInternalServerError
	case codes.Unimplemented:
		return http.StatusNotImplemented
	}
	return http.StatusBadRequest
}

// write answers with e over REST; a client that left gets nothing.
func (e *inferError) write(w http.ResponseWriter) {
	if e.code != codes.Canceled {
		writeError(w, e.httpStatus(), e)
	}
}

func inferErrorf(code codes.Code, format string, args ...any) *inferError {
	return &inferError{code: code, msg: fmt.Sprintf(format, args...)}
}

// infer runs one KServe request through the same queue, batcher and GPU
// as POST /api/ai-quality: it checks the model and its input, scores the
// image (the model's work on the host) and waits for its batch. Every
// protocol ends here, so they differ only in what decoding costs.
func (s *Server) infer(ctx context.Context, model, version string, req *kserve.Request) (*kserve.Response, *inferError) {
	if s.crashed.Load() {
		return nil, inferErrorf(codes.Unavailable, "%v", errCrashed)
	}
	if !knownModel(model, version) {
		return nil, inferErrorf(codes.NotFound, "Request for unknown model: '%s' version %q is not found", model, version)
	}
	img, ierr := s.inputImage(req)
	if ierr != nil {
		return nil, ierr
	}
	for _, o := range req.Outputs {
		if o.Name != OutputName {
			return nil, inferErrorf(codes.InvalidArgument, "unexpected inference output '%s' for model '%s'", o.Name, ModelName)
		}
	}
	score := qualityScore(img)
	if _, err := s.await(ctx); err != nil {
		return nil, awaitError(ctx, err)
	}
	out := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(score)))
	return &kserve.Response{Model: ModelName, Version: ModelVersion, Outputs: []kserve.Tensor{
		{Name: OutputName, Datatype: "FP32", Shape: []int64{1, 1}, Raw: out},
	}}, nil
}

// knownModel says whether model and version ("" for any) name the model
// the server serves.
func knownModel(model, version string) bool {
	return model == ModelName && (version == "" || version == ModelVersion)
}

// awaitError is await's failure as Triton reports it: the batch's backend
// error is INTERNAL, the client's leaving CANCELLED (nothing is sent), and
// a full queue or a shutdown UNAVAILABLE.
func awaitError(ctx context.Context, err error) *inferError {
	switch {
	case errors.Is(err, errBackend):
		return inferErrorf(codes.Internal, "%v", err)
	case ctx.Err() != nil:
		return inferErrorf(codes.Canceled, "%v", err)
	}
	return inferErrorf(codes.Unavailable, "%v", err)
}

// inputImage checks the request's one input against the model's and makes
// the first image of its batch an image to score.
func (s *Server) inputImage(req *kserve.Request) (*image.RGBA, *inferError) {
	if len(req.Inputs) != 1 || req.Inputs[0].Name != InputName {
		names := make([]string, len(req.Inputs))
		for i, in := range req.Inputs {
			names[i] = in.Name
		}
		return nil, inferErrorf(codes.InvalidArgument, "expected 1 input '%s' for model '%s', got %q", InputName, ModelName, names)
	}
	in := req.Inputs[0]
	size := int64(s.p.InputSize)
	if in.Datatype != "UINT8" {
		return nil, inferErrorf(codes.InvalidArgument, "inference input '%s' data-type is '%s', but model '%s' expects 'UINT8'", in.Name, in.Datatype, ModelName)
	}
	if len(in.Shape) != 4 || in.Shape[0] < 1 || in.Shape[0] > int64(s.p.MaxBatch) || !slices.Equal(in.Shape[1:], []int64{size, size, 3}) {
		return nil, inferErrorf(codes.InvalidArgument, "unexpected shape for input '%s' for model '%s'. Expected [-1,%d,%d,3] with a batch of 1 to %d, got %v",
			in.Name, ModelName, size, size, s.p.MaxBatch, in.Shape)
	}
	if err := kserve.CheckRaw(in.Datatype, in.Shape, in.Raw); err != nil {
		return nil, inferErrorf(codes.InvalidArgument, "input '%s': %v", in.Name, err)
	}
	n := int(size)
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for i := range n * n {
		copy(img.Pix[4*i:4*i+3], in.Raw[3*i:3*i+3])
		img.Pix[4*i+3] = 0xff
	}
	return img, nil
}

// handleInfer is POST /v2/models/{model}[/versions/{version}]/infer, in
// JSON or with the binary-data extension (Inference-Header-Content-Length);
// the output comes back in binary when the request asks for it.
func (s *Server) handleInfer(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	req, err := kserve.ParseREST(body, r.Header.Get(kserve.HeaderLength))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	resp, ierr := s.infer(r.Context(), r.PathValue("model"), r.PathValue("version"), req)
	if ierr != nil {
		ierr.write(w)
		return
	}
	binaryOut := map[string]bool{}
	for _, o := range req.Outputs {
		binaryOut[o.Name] = o.Binary
	}
	out, n, err := resp.REST(binaryOut)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	if n > 0 {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set(kserve.HeaderLength, fmt.Sprint(n))
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	_, _ = w.Write(out)
}
