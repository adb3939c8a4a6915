package sampler

import (
	"bytes"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/golden"
)

func TestMonitorGolden(t *testing.T) {
	two := map[string]float64{
		"gpus.0.utilization": 100, "gpus.0.memory_utilization": 33, "gpus.0.memory_used_mib": 11378.81,
		"gpus.0.temperature": 69, "gpus.0.power_w": 693.896,
		"gpus.1.utilization": 0, "gpus.1.memory_used_mib": 0, "gpus.1.temperature": 31,
		"gpu.utilization": 100, "triton.requests": 25, "triton.queue_ms": 0.4213, "triton.infer_ms": 8.15,
	}
	var b bytes.Buffer
	if err := WriteMonitorHeader(&b); err != nil {
		t.Fatal(err)
	}
	for _, latest := range []map[string]float64{two, {"triton.requests": 3}, {}} {
		b.WriteString(FormatMonitorLine(t0, latest) + "\n")
	}
	b.WriteString(MonitorCSVHeader + "\n")
	b.WriteString(FormatMonitorCSV(t0, two) + "\n")
	b.WriteString(FormatMonitorCSV(t0, map[string]float64{"gpu.temperature": 40}) + "\n")
	golden.Check(t, "testdata/monitor.golden", b.Bytes())
	// Without gpus.N keys the single row shows the all-GPU values (gpu.*).
	if cells := strings.Fields(FormatMonitorLine(t0, map[string]float64{"gpu.temperature": 71}))[2:]; len(cells) != len(monitorCols) || cells[3] != "71" || cells[0] != "-" {
		t.Errorf("all-GPU cells = %q", cells)
	}
}
