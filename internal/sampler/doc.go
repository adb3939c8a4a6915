// Package sampler reads GPUs and inference servers beside the load: NVML
// (local GPUs), Triton's /metrics, dcgm-exporter and any Prometheus endpoint.
//
// Every sampler implements the small Sampler interface and yields Readings:
// flat, timestamped points. A Group runs the samplers concurrently, each on
// its own interval with a per-sample deadline, keeps the readings in a
// compact per-sampler store (no response bodies) and aggregates any window
// of them into the result types that assertions and reports read
// (result.Aggregates). Counters are compared the way Prometheus' increase()
// does, without extrapolation; see increase in counter.go.
//
// The metric names, units and quirks come from the real captures in
// testdata/fixtures; each has a .source.md that says where it came from.
package sampler
