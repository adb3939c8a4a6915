package sim

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

// loadResult summarises an open-loop run.
type loadResult struct {
	sent, ok, rejected int
	queueMs, inferMs   []float64
	util               float64       // engine-busy fraction while requests arrived
	gpuTime            time.Duration // engine-busy time until the last answer
	elapsed            time.Duration
}

func (r loadResult) meanQueue() float64 { return mean(r.queueMs) }

// openLoad sends POST /api/ai-quality at rate req/s for d with Poisson
// arrivals (seeded: the superposition of many users pacing independently,
// as in the demo), one goroutine per request, and samples the GPU over the
// arrival window and until the last answer.
func openLoad(t *testing.T, s *Server, url string, rate float64, d time.Duration, body []byte) loadResult {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	var (
		mu  sync.Mutex
		res loadResult
		wg  sync.WaitGroup
	)
	s.gpu.sample(time.Now())
	start := time.Now()
	rng := rand.New(rand.NewPCG(7, 11))
	gap := func() time.Duration { return time.Duration(rng.ExpFloat64() / rate * float64(time.Second)) }
	for next := start; time.Since(start) < d; next = next.Add(gap()) {
		time.Sleep(time.Until(next))
		res.sent++
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, q, inf := post(client, url+"/api/ai-quality", body)
			mu.Lock()
			defer mu.Unlock()
			switch status {
			case http.StatusOK:
				res.ok++
				res.queueMs = append(res.queueMs, q)
				res.inferMs = append(res.inferMs, inf)
			case http.StatusServiceUnavailable:
				res.rejected++
			}
		}()
	}
	arrived := time.Now()
	res.util = s.gpu.sample(arrived).Util
	wg.Wait()
	res.elapsed = time.Since(start)
	end := time.Now()
	tail := s.gpu.sample(end).Util
	res.gpuTime = time.Duration(res.util*float64(arrived.Sub(start)) + tail*float64(end.Sub(arrived)))
	return res
}

func post(c *http.Client, url string, body []byte) (status int, queueMs, inferMs float64) {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return 0, 0, 0
	}
	defer resp.Body.Close()
	var qr qualityResponse
	if err := json.NewDecoder(resp.Body).Decode(&qr); err != nil {
		return resp.StatusCode, 0, 0
	}
	return resp.StatusCode, qr.QueueTimeMs, qr.InferenceTimeMs
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func percentile(v []float64, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	c := append([]float64(nil), v...)
	sort.Float64s(c)
	return c[int(q*float64(len(c)-1))]
}
