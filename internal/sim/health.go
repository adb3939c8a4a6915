package sim

import (
	"net/http"
	"time"
)

// Health endpoints answer as the real servers do: Triton
// signals with the status code and an empty body, 200 or 400; the model
// endpoint adds {"error":"Model version not ready"}; the Flask backend
// answers {"status":"ok"}.

// live: the Triton process answers; false only after a crash.
func (s *Server) live() bool { return !s.crashed.Load() }

// ready: live and the scheduler running (not stalled).
func (s *Server) ready() bool { return s.live() && !s.b.stalled(time.Now()) }

func (s *Server) handleBackendHealth(w http.ResponseWriter, _ *http.Request) {
	if !s.live() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleLive(w http.ResponseWriter, _ *http.Request) {
	emptyStatus(w, s.live())
}

func (s *Server) handleReady(w http.ResponseWriter, _ *http.Request) {
	emptyStatus(w, s.ready())
}

func (s *Server) handleModelReady(w http.ResponseWriter, _ *http.Request) {
	if !s.ready() {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Model version not ready"})
		return
	}
	emptyStatus(w, true)
}

// emptyStatus answers 200 or 400 with Content-Length: 0.
func emptyStatus(w http.ResponseWriter, ok bool) {
	w.Header().Set("Content-Length", "0")
	if ok {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.WriteHeader(http.StatusBadRequest)
}

// handleMetrics serves a Prometheus text page.
func (s *Server) handleMetrics(render func() []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write(render())
	}
}
