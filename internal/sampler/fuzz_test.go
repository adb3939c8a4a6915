package sampler

import (
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
)

// FuzzParseExposition feeds arbitrary pages through the exposition path and
// every sampler's reader: nothing may panic. Seeds are the real captures
// in testdata/fixtures plus testdata/fuzz/FuzzParseExposition.
func FuzzParseExposition(f *testing.F) {
	for _, rel := range []string{
		"triton/datadog_t4_triton_metrics.txt",
		"triton/docs_queue_summary_example.txt",
		"dcgm/l4_dcgm-exporter_default_counters.txt",
		"dcgm/h100x8_dcgm-exporter_sampled.txt",
	} {
		f.Add(fixture(f, rel), false)
	}
	f.Add([]byte(tritonPage(3)), false)
	f.Add([]byte("# TYPE foo counter\nfoo_total 1\n# EOF\n"), true)
	series := []*dsl.Series{{Name: "s", Metric: "nv_inference_count", Kind: dsl.SeriesCounter}, {Name: "g", Metric: "DCGM_FI_DEV_GPU_TEMP"}}
	f.Fuzz(func(t *testing.T, body []byte, openMetrics bool) {
		ct := "text/plain; version=0.0.4"
		if openMetrics {
			if len(body) > 512 { // the OpenMetrics parser is slow on long lines by design
				return
			}
			ct = "application/openmetrics-text; version=1.0.0"
		}
		ss, err := parseExposition(body, ct)
		if err != nil {
			return
		}
		tritonReading(ss, func(sample) bool { return true })
		dcgmReading(ss)
		promReading(ss, series)
	})
}
