package diff

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/harness-gpu/harness/internal/result"
)

// updateFixtures regenerates testdata/rtx3060.json and testdata/rtx5090.json:
//
//	go test ./internal/diff -run TestFixtures -update-fixtures
var updateFixtures = flag.Bool("update-fixtures", false, "regenerate the results-file fixtures in testdata")

// fixtureStep is one step's literal values for a GPU; the histogram and the
// per-second series are drawn around them with a fixed seed.
type fixtureStep struct {
	users                            int
	medianMs, sigma, rps, success    float64
	util, tempMax, powerMean, memMax float64
	queueMs, inferMs, batch          float64
}

type fixtureRun struct {
	file, gpu, uuid, driver, host, sha string
	memMiB                             float64
	start                              time.Time
	steps                              []fixtureStep
	asserts                            []fixtureAssert
	seed                               uint64
}

// fixtureAssert is an assert of the scenario, checked against the step values.
type fixtureAssert struct {
	name, condition, metric string
	limit                   float64
	below                   bool // pass when value < limit, else value >= limit
}

var (
	assertP95     = fixtureAssert{"p95_under_500ms", "latency.p95 < 500", "latency.p95", 500, true}
	assertSuccess = fixtureAssert{"success_rate", "requests.success_rate >= 0.99", "requests.success_rate", 0.99, false}
	assertCool    = fixtureAssert{"gpu_cool", "gpu.temperature.max < 83", "gpu.temperature.max", 83, true}
	assertPower   = fixtureAssert{"power_budget", "gpu.power_w.mean < 450", "gpu.power_w.mean", 450, true}
	assertQueue   = fixtureAssert{"queue_small", "triton.queue_ms < 50", "triton.queue_ms", 50, true}
	assertMemory  = fixtureAssert{"memory_headroom", "gpu.memory_used_mib.max < 24000", "gpu.memory_used_mib.max", 24000, true}
)

// The same 6-step plan on two GPUs: the 3060 saturates at 200 users (p95
// jumps to seconds, timeouts); the 5090 is faster but draws more power.
var fixtureRuns = []fixtureRun{{
	file: "rtx3060.json", gpu: "NVIDIA GeForce RTX 3060", uuid: "GPU-3f6c1d2e-8a41-4b7e-9c55-0d1e2f3a4b5c",
	driver: "550.54.14", host: "inference-lab-01", memMiB: 12288, seed: 3060,
	sha:   "5b1f0c9e2a7d4e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8",
	start: time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC),
	steps: []fixtureStep{
		{1, 40, .15, 0.5, 1, 4, 46, 32, 3120, 0.1, 36, 1},
		{10, 42, .18, 5.0, 1, 18, 52, 58, 3180, 0.3, 36.5, 1.1},
		{25, 46, .2, 12.5, 1, 38, 61, 95, 3400, 1.2, 37, 1.4},
		{50, 58, .25, 24.9, 1, 66, 70, 132, 3650, 4.5, 39, 2.2},
		{100, 110, .35, 49.1, 0.998, 93, 78, 164, 4200, 38, 44, 3.6},
		{200, 3100, .2, 61.8, 0.962, 99, 84, 171, 4900, 410, 46, 7.8},
	},
	asserts: []fixtureAssert{assertP95, assertSuccess, assertCool, assertPower, assertQueue},
}, {
	file: "rtx5090.json", gpu: "NVIDIA GeForce RTX 5090", uuid: "GPU-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
	driver: "570.124.04", host: "inference-lab-02", memMiB: 32607, seed: 5090,
	sha:   "c4e2a19b7f3d5e6a8b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f708",
	start: time.Date(2025, 6, 18, 14, 30, 0, 0, time.UTC),
	steps: []fixtureStep{
		{1, 15, .15, 0.5, 1, 1.5, 40, 45, 5200, 0.05, 13, 1},
		{10, 15.5, .15, 5.0, 1, 7, 44, 95, 5300, 0.1, 13.2, 1.05},
		{25, 16, .18, 12.5, 1, 15, 49, 160, 5600, 0.3, 13.5, 1.2},
		{50, 17.5, .2, 25.0, 1, 27, 55, 240, 6000, 0.8, 14.1, 1.6},
		{100, 21, .25, 49.9, 1, 48, 63, 350, 6900, 2.1, 15.8, 2.4},
		{200, 34, .3, 99.6, 1, 81, 72, 470, 8200, 5.5, 18.9, 3.9},
	},
	asserts: []fixtureAssert{assertP95, assertSuccess, assertCool, assertPower, assertMemory},
}}

const (
	fixtureRampS     = 5
	fixtureMeasuredS = 20
)

func TestFixtures(t *testing.T) {
	for _, run := range fixtureRuns {
		path := filepath.Join("testdata", run.file)
		if *updateFixtures {
			f := buildFixture(t, run)
			data, err := json.MarshalIndent(f, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		f, err := result.ReadFile(path)
		if err != nil {
			t.Fatalf("fixture does not decode: %v", err)
		}
		if len(f.Steps) != len(run.steps) {
			t.Fatalf("%s: %d steps, want %d", path, len(f.Steps), len(run.steps))
		}
		for i := range f.Steps {
			s := &f.Steps[i]
			lat := s.Percentiles()
			if !lat.FromHistogram || lat.P95 == nil || s.Latency.P95 == nil {
				t.Fatalf("%s %s: no histogram latency", path, s.Name)
			}
			if d := math.Abs(*lat.P95 - *s.Latency.P95); d > 0.05 {
				t.Errorf("%s %s: histogram p95 %v vs summary %v", path, s.Name, *lat.P95, *s.Latency.P95)
			}
		}
	}
}

func buildFixture(t *testing.T, run fixtureRun) *result.File {
	t.Helper()
	rng := rand.New(rand.NewPCG(run.seed, 42))
	f := &result.File{
		Schema: result.Schema,
		Scenario: result.ScenarioInfo{
			Name: "ai-quality-capacity", Description: "AI quality endpoint, 1 to 200 users, one request per user every 2 s",
			File: "scenarios/capacity.hcl", SHA256: run.sha,
			Variables: map[string]string{"backend": "http://10.0.0.12:8000", "api_token": "(sensitive)"},
		},
		Environment: result.Environment{
			HarnessVersion: "0.1.0", GoVersion: "go1.26.0", Host: run.host, OS: "linux/amd64",
			GPUs: []result.GPUInfo{{Index: 0, Name: run.gpu, UUID: run.uuid, Driver: run.driver, MemoryMiB: run.memMiB, Sampler: "nvml"}},
		},
		StartedAt: run.start,
		Samplers: []result.SamplerInfo{
			{Name: "nvml", Kind: "nvml", Started: true, Samples: int64(len(run.steps) * (fixtureRampS + fixtureMeasuredS))},
			{Name: "triton", Kind: "triton", Started: true, Samples: int64(len(run.steps) * (fixtureRampS + fixtureMeasuredS))},
		},
		Steps: []result.Step{}, Assertions: []result.Assertion{},
	}
	at := run.start
	verdict := result.VerdictPass
	for i, fs := range run.steps {
		step := buildStep(t, rng, run, i, fs, at)
		at = step.Measured.End
		f.Steps = append(f.Steps, step)
		for _, a := range run.asserts {
			as := evalFixtureAssert(a, &f.Steps[len(f.Steps)-1])
			if as.Status == result.StatusFail {
				verdict = result.VerdictFail
			}
			f.Assertions = append(f.Assertions, as)
		}
	}
	f.EndedAt = at
	f.Verdict = verdict
	if verdict == result.VerdictFail {
		f.ExitCode = 1
	}
	return f
}

func buildStep(t *testing.T, rng *rand.Rand, run fixtureRun, i int, fs fixtureStep, at time.Time) result.Step {
	t.Helper()
	name := fmt.Sprintf("users_%d", fs.users)
	rampEnd := at.Add(fixtureRampS * time.Second)
	end := rampEnd.Add(fixtureMeasuredS * time.Second)
	h := hdrhistogram.New(1, 120_000_000, 3)
	n := int64(math.Round(fs.rps * fixtureMeasuredS))
	for range n {
		v := fs.medianMs * math.Exp(fs.sigma*rng.NormFloat64()) * 1000
		if err := h.RecordValue(int64(v)); err != nil {
			t.Fatal(err)
		}
	}
	enc, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		t.Fatal(err)
	}
	ok := int64(math.Round(float64(n) * fs.success))
	mem := fs.memMax - 40
	s := result.Step{
		Name: name, Model: "closed", Target: "quality", Users: fs.users, Status: result.StepCompleted,
		Ramp:     &result.Window{Start: at, End: rampEnd, DurationS: fixtureRampS},
		Measured: result.Window{Start: rampEnd, End: end, DurationS: fixtureMeasuredS},
		Requests: result.Requests{
			Total: n, OK: ok, Failed: n - ok, Timeouts: n - ok, RPS: fs.rps,
			SuccessRate: ptr(fs.success), ErrorRate: ptr(round(1-fs.success, 4)),
			BytesOut: n * 48213, BytesIn: n * 312,
		},
		Latency:     summaryOf(h),
		StatusCodes: map[string]int64{"200": ok},
		GPU: &result.GPUStats{
			Utilization:    stat(fs.util*0.8, fs.util, math.Min(100, fs.util*1.1)),
			MemoryUsedMiB:  stat(mem-200, mem-60, fs.memMax),
			MemoryTotalMiB: stat(run.memMiB, run.memMiB, run.memMiB),
			Temperature:    stat(fs.tempMax-6, fs.tempMax-2, fs.tempMax),
			PowerW:         stat(fs.powerMean*0.85, fs.powerMean, fs.powerMean*1.08),
			EnergyJ:        ptr(fs.powerMean * fixtureMeasuredS),
			EnergySource:   "counter",
		},
		Triton: &result.Triton{
			Requests: ptr(float64(n)), Failures: ptr(0), RPS: ptr(fs.rps),
			QueueMs: ptr(fs.queueMs), InferMs: ptr(fs.inferMs), BatchSize: ptr(fs.batch),
		},
		Histogram: string(enc),
	}
	if n != ok {
		s.StatusCodes["0"] = n - ok
		s.Errors = map[string]result.ErrorClass{"timeout": {Count: n - ok, Messages: []string{"context deadline exceeded (timeout 10s)"}}}
	}
	s.GPUs = []result.GPU{{Index: 0, Name: run.gpu, UUID: run.uuid, GPUStats: *s.GPU}}
	s.Efficiency = result.StepEfficiency(s)
	s.Series = buildSeries(rng, fs, at, i == 0)
	return s
}

// buildSeries draws one point per second: users ramp up over the ramp, the
// temperature climbs towards the step's maximum (thermal inertia).
func buildSeries(rng *rand.Rand, fs fixtureStep, at time.Time, first bool) []result.Second {
	var out []result.Second
	for sec := range fixtureRampS + fixtureMeasuredS {
		phase, frac := result.PhaseMeasured, 1.0
		if sec < fixtureRampS {
			phase, frac = result.PhaseRamp, float64(sec+1)/fixtureRampS
		}
		jit := func(v, rel float64) float64 { return round(v*(1+rel*rng.NormFloat64()), 2) }
		reqs := int64(math.Max(0, math.Round(fs.rps*frac*(1+0.08*rng.NormFloat64()))))
		failed := int64(math.Round(float64(reqs) * (1 - fs.success)))
		warm := 1 - 0.25*math.Exp(-float64(sec)/6)
		out = append(out, result.Second{
			T: at.Add(time.Duration(sec) * time.Second), Phase: phase,
			Users: math.Round(float64(fs.users) * frac), Requests: reqs, OK: reqs - failed, Failed: failed,
			P50: ptr(jit(fs.medianMs*(0.6+0.4*frac), 0.05)), P95: ptr(jit(fs.medianMs*math.Exp(1.645*fs.sigma)*(0.6+0.4*frac), 0.08)),
			Samples: map[string]float64{
				"gpu.utilization":     math.Min(100, jit(fs.util*frac, 0.05)),
				"gpu.temperature":     round(fs.tempMax*warm, 0),
				"gpu.power_w":         jit(fs.powerMean*(0.5+0.5*frac), 0.04),
				"gpu.memory_used_mib": fs.memMax - 60,
				"triton.queue_ms":     jit(fs.queueMs*frac, 0.1),
				"triton.infer_ms":     jit(fs.inferMs, 0.03),
			},
		})
	}
	return out
}

func evalFixtureAssert(a fixtureAssert, s *result.Step) result.Assertion {
	mv := &stepValues{step: s, latency: s.Percentiles()}
	m, _ := MetricByName(a.metric)
	v := *m.get(mv)
	if a.metric == "requests.success_rate" {
		v /= 100 // the metric table shows percent; conditions read 0-1
	}
	v = round(v, 3)
	pass := v >= a.limit
	if a.below {
		pass = v < a.limit
	}
	out := result.Assertion{
		Name: a.name, Step: s.Name, Severity: "fail", Status: result.StatusPass, Condition: a.condition,
		Observed: map[string]any{a.metric: v}, Range: "scenarios/capacity.hcl:42:3",
	}
	if !pass {
		out.Status = result.StatusFail
		out.Message = fmt.Sprintf("%s was %v in step %s", a.metric, v, s.Name)
	}
	return out
}

func summaryOf(h *hdrhistogram.Histogram) result.Latency {
	ms := func(v int64) *float64 { return ptr(round(float64(v)/1000, 1)) }
	return result.Latency{
		Min: ms(h.Min()), Mean: ptr(round(h.Mean()/1000, 1)), Stddev: ptr(round(h.StdDev()/1000, 1)),
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P95: ms(h.ValueAtQuantile(95)),
		P99: ms(h.ValueAtQuantile(99)), P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
	}
}

func stat(lo, mean, hi float64) result.Stat {
	return result.Stat{Min: ptr(round(lo, 1)), Mean: ptr(round(mean, 1)), Max: ptr(round(hi, 1)), Last: ptr(round(mean, 1)), P95: ptr(round(hi*0.98, 1))}
}

func ptr(v float64) *float64 { return &v }

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
