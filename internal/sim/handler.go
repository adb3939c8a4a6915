package sim

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// maxBody bounds a request body (a 352x352 JPEG in base64 is ~40 KiB).
const maxBody = 32 << 20

// Handler returns the server's HTTP routes (see the package doc).
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/ai-quality", s.only(http.MethodPost, s.handleQuality))
	mux.HandleFunc("/health", s.only(http.MethodGet, s.handleBackendHealth))
	mux.HandleFunc("/v2/health/live", s.only(http.MethodGet, s.handleLive))
	mux.HandleFunc("/v2/health/ready", s.only(http.MethodGet, s.handleReady))
	mux.HandleFunc("/v2/models/"+ModelName+"/ready", s.only(http.MethodGet, s.handleModelReady))
	mux.HandleFunc("/v2/models/"+ModelName+"/versions/"+ModelVersion+"/ready", s.only(http.MethodGet, s.handleModelReady))
	mux.HandleFunc("/v2/models/{model}/infer", s.only(http.MethodPost, s.handleInfer))
	mux.HandleFunc("/v2/models/{model}/versions/{version}/infer", s.only(http.MethodPost, s.handleInfer))
	mux.HandleFunc("/metrics", s.only(http.MethodGet, s.handleMetrics(s.tritonMetrics)))
	mux.HandleFunc("/dcgm/metrics", s.only(http.MethodGet, s.handleMetrics(s.dcgmMetrics)))
	mux.HandleFunc("/v1/chat/completions", s.only(http.MethodPost, s.handleLLM(true)))
	mux.HandleFunc("/v1/completions", s.only(http.MethodPost, s.handleLLM(false)))
	mux.HandleFunc("/v1/models", s.only(http.MethodGet, s.handleModels))
	mux.HandleFunc("/vllm/metrics", s.only(http.MethodGet, s.handleMetrics(s.vllmMetrics)))
	return mux
}

// only answers 405 with a JSON error to any method but method (and HEAD
// for GET routes, which net/http serves without a body).
func (s *Server) only(method string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && (method != http.MethodGet || r.Method != http.MethodHead) {
			w.Header().Set("Allow", method)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method " + r.Method + " not allowed"})
			return
		}
		h(w, r)
	}
}

// qualityResponse is the body of a successful POST /api/ai-quality.
type qualityResponse struct {
	QualityScore    float64 `json:"quality_score"`
	InferenceTimeMs float64 `json:"inference_time_ms"`
	QueueTimeMs     float64 `json:"queue_time_ms"`
}

func (s *Server) handleQuality(w http.ResponseWriter, r *http.Request) {
	if s.crashed.Load() {
		writeError(w, http.StatusServiceUnavailable, errCrashed)
		return
	}
	img, err := decodeImage(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	score := qualityScore(preprocess(img, s.p.InputSize))
	o, err := s.await(r.Context())
	if err != nil {
		awaitError(r.Context(), err).write(w) // a client that left is not answered; its batch still runs and is counted
		return
	}
	writeJSON(w, http.StatusOK, qualityResponse{
		QualityScore:    score,
		InferenceTimeMs: ms(o.input + o.infer + o.output),
		QueueTimeMs:     ms(o.queue),
	})
}

// await queues one request, with the error fault drawn for it, and waits
// for its batch: every protocol's inference ends here. The error is the
// queue's (full: Triton's REJECTED), the batch's (errBackend, a shutdown)
// or ctx's when the client left first; that request's batch still runs and
// is counted.
func (s *Server) await(ctx context.Context) (outcome, error) {
	req := newRequest(time.Now(), s.dice.hit(s.cfg.Faults.ErrorRate))
	if err := s.admit(req); err != nil {
		return outcome{}, err
	}
	select {
	case o := <-req.done:
		return o, o.err
	case <-ctx.Done():
		return outcome{}, ctx.Err()
	}
}

// admit queues req and applies the crash fault, which counts admitted
// requests (the batcher applies the stall). A full queue is Triton's
// REJECTED failure.
func (s *Server) admit(req *request) error {
	n, err := s.b.enqueue(req)
	if err != nil {
		if errors.Is(err, errQueueFull) {
			s.stats.addFailure("REJECTED")
		}
		return err
	}
	if c := s.cfg.Faults.CrashAfter; c > 0 && n >= int64(c) {
		s.crashed.Store(true)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// writeJSON writes v as the response; an encoding or write error means the
// client is gone, and there is no one left to tell.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal encoding error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
