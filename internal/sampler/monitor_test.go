package sampler

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/result"
)

// staleTriton has a current GPU sampler and a triton sampler without data
// for 4 s.
var staleTriton = []result.SamplerStatus{{Name: "gpu", Kind: "nvml", Started: true},
	{Name: "tri", Kind: "triton", Started: true, NoData: 4200 * time.Millisecond, LastError: "connection refused"}}

// Which columns a stale sampler marks: its own, and the GPU columns for a
// triton sampler only when no nvml or dcgm sampler fills them.
func TestMonitorStaleColumns(t *testing.T) {
	latest := map[string]float64{"gpu.temperature": 70, "triton.requests": 5}
	for _, c := range []struct {
		name   string
		status []result.SamplerStatus
		want   string // the marked cells
	}{
		{"current", []result.SamplerStatus{{Name: "d", Kind: "dcgm", Started: true}}, ""},
		{"dcgm", []result.SamplerStatus{{Name: "d", Kind: "dcgm", Started: true, NoData: time.Second}, {Name: "t", Kind: "triton", Started: true}}, "70*"},
		{"triton beside dcgm", []result.SamplerStatus{{Name: "d", Kind: "dcgm", Started: true}, {Name: "t", Kind: "triton", Started: true, NoData: time.Second}}, "+5*"},
		{"triton alone", []result.SamplerStatus{{Name: "t", Kind: "triton", Started: true, NoData: time.Second}}, "70* +5*"},
		{"not started", []result.SamplerStatus{{Name: "d", Kind: "dcgm", NoData: time.Second}}, ""},
	} {
		var marked []string
		for _, cell := range strings.Fields(FormatMonitorLine(t0, latest, c.status)) {
			if strings.HasSuffix(cell, "*") {
				marked = append(marked, cell)
			}
		}
		if got := strings.Join(marked, " "); got != c.want {
			t.Errorf("%s: marked %q, want %q", c.name, got, c.want)
		}
	}
}

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
	current := []result.SamplerStatus{{Name: "gpu", Kind: "nvml", Started: true}, {Name: "tri", Kind: "triton", Started: true}}
	for _, latest := range []map[string]float64{two, {"triton.requests": 3}, {}} {
		b.WriteString(FormatMonitorLine(t0, latest, current) + "\n")
	}
	b.WriteString(FormatMonitorLine(t0, two, staleTriton) + "\n")
	b.WriteString(MonitorCSVHeader + "\n")
	b.WriteString(FormatMonitorCSV(t0, two, current) + "\n")
	b.WriteString(FormatMonitorCSV(t0, map[string]float64{"gpu.temperature": 40}, nil) + "\n")
	b.WriteString(FormatMonitorCSV(t0, two, staleTriton) + "\n")
	golden.Check(t, "testdata/monitor.golden", b.Bytes())
	// Without gpus.N keys the single row shows the all-GPU values (gpu.*).
	if cells := strings.Fields(FormatMonitorLine(t0, map[string]float64{"gpu.temperature": 71}, nil))[2:]; len(cells) != len(monitorCols) || cells[3] != "71" || cells[0] != "-" {
		t.Errorf("all-GPU cells = %q", cells)
	}
}
