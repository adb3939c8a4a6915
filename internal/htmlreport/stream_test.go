package htmlreport

import (
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/result"
)

// TestStreamCharts: results of a streaming target get TTFT, TPOT and
// tokens/s charts against load; others do not.
func TestStreamCharts(t *testing.T) {
	titles := []string{"p95 time to first token against load", "p95 time per output token against load",
		"Output tokens per second against load"}
	in := loadInputs(t, fixtures...)
	for _, title := range titles {
		if strings.Contains(render(t, in), title) {
			t.Errorf("a run without streams has the %q chart", title)
		}
	}
	for k, input := range in {
		f := input.File
		for i := range f.Steps {
			v := float64(100*(k+1) + 10*i)
			f.Steps[i].Stream = &result.Stream{TTFT: result.Dist{P95: &v}, TPOT: result.Dist{P95: &v}, TokensPerS: &v}
		}
	}
	page := render(t, in)
	for _, title := range titles {
		if !strings.Contains(page, "<figcaption>"+title+"</figcaption>") {
			t.Errorf("page lacks the %q chart", title)
		}
	}
}
