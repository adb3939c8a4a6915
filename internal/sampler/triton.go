package sampler

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// Triton counter fields (classCounter Field), one per nv_inference_* counter
// Triton exports per model and version.
const (
	tSuccess = "success"
	tFailure = "failure"
	tCount   = "count"
	tExec    = "exec"
	tRequest = "request_us"
	tQueue   = "queue_us"
	tInput   = "input_us"
	tInfer   = "infer_us"
	tOutput  = "output_us"
	tPending = "pending" // classGauge: summed over the selected label sets
)

// tritonCounters maps Triton's per-model counters to their fields.
var tritonCounters = map[string]string{
	"nv_inference_request_success":            tSuccess,
	"nv_inference_request_failure":            tFailure,
	"nv_inference_count":                      tCount,
	"nv_inference_exec_count":                 tExec,
	"nv_inference_request_duration_us":        tRequest,
	"nv_inference_queue_duration_us":          tQueue,
	"nv_inference_compute_input_duration_us":  tInput,
	"nv_inference_compute_infer_duration_us":  tInfer,
	"nv_inference_compute_output_duration_us": tOutput,
}

// tritonGPU maps Triton's own GPU gauges to GPU fields and the factor that
// puts them in condition units: % and MiB (nv_gpu_utilization is a 0-1 ratio).
var tritonGPU = map[string]struct {
	field  string
	factor float64
}{
	"nv_gpu_utilization":        {fUtil, 100},
	"nv_gpu_memory_used_bytes":  {fMemUsed, 1.0 / (1 << 20)},
	"nv_gpu_memory_total_bytes": {fMemTotal, 1.0 / (1 << 20)},
	"nv_gpu_power_usage":        {fPower, 1},
	"nv_energy_consumption":     {fEnergy, 1000}, // J → mJ
}

// tritonSampler scrapes a Triton /metrics endpoint.
type tritonSampler struct {
	url            string
	model, version string // "" = all
	client         *http.Client
}

var _ Sampler = (*tritonSampler)(nil)

func newTriton(cfg *dsl.Sampler, opts Options) Sampler {
	return &tritonSampler{url: cfg.URL, model: cfg.Model, version: cfg.Version, client: opts.client()}
}

// Start scrapes once: the endpoint must answer with Triton metrics and, when
// a model is named, serve that model (a typo fails before any load).
func (t *tritonSampler) Start(ctx context.Context) error {
	ss, err := scrape(ctx, t.client, t.url)
	if err != nil {
		return err
	}
	models := map[string]bool{}
	triton := false
	for _, s := range ss {
		if strings.HasPrefix(s.name, "nv_") {
			triton = true
		}
		if s.name == "nv_inference_request_success" && t.selected(s) {
			models[s.get("model")] = true
		}
	}
	if !triton {
		return fmt.Errorf("no Triton metrics (nv_*) at %s: is this Triton's metrics port (default 8002)?", t.url)
	}
	if t.model != "" && len(models) == 0 {
		return fmt.Errorf("model %q (version %q) not found at %s; models served: %s",
			t.model, t.version, t.url, strings.Join(t.servedModels(ss), ", "))
	}
	return nil
}

func (t *tritonSampler) servedModels(ss []sample) []string {
	seen := map[string]bool{}
	for _, s := range ss {
		if m := s.get("model"); m != "" {
			seen[m] = true
		}
	}
	if len(seen) == 0 {
		return []string{"none"}
	}
	return slices.Sorted(maps.Keys(seen))
}

func (t *tritonSampler) selected(s sample) bool {
	return (t.model == "" || s.get("model") == t.model) && (t.version == "" || s.get("version") == t.version)
}

// Sample scrapes once. Every label set of the selected model(s) is kept as
// its own counter series (gpu_uuid instances, failure reasons, the
// unlabelled model-level series): resets are found per series, then summed.
func (t *tritonSampler) Sample(ctx context.Context) (Reading, error) {
	ss, err := scrape(ctx, t.client, t.url)
	if err != nil {
		return Reading{}, err
	}
	return tritonReading(ss, t.selected), nil
}

func tritonReading(ss []sample, selected func(sample) bool) Reading {
	var r Reading
	pending, havePending := 0.0, false
	var uuids []string
	for _, s := range ss {
		if f, ok := tritonCounters[s.name]; ok && selected(s) {
			r.Points = append(r.Points, Point{Class: classCounter, Field: f, Entity: s.key(), Value: s.value})
		}
		if s.name == "nv_inference_pending_request_count" && selected(s) {
			pending += s.value
			havePending = true
		}
		if g, ok := tritonGPU[s.name]; ok {
			if u := s.get("gpu_uuid"); u != "" {
				r.gpu(u, g.field, s.value*g.factor)
				if !slices.Contains(uuids, u) {
					uuids = append(uuids, u)
				}
			}
		}
	}
	if havePending {
		r.Points = append(r.Points, Point{Class: classGauge, Field: tPending, Value: pending})
	}
	for i, u := range uuids {
		r.GPUs = append(r.GPUs, result.GPUInfo{Index: i, UUID: u})
	}
	return r
}

func (t *tritonSampler) Close() error { return nil }
