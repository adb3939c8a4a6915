package sampler

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MonitorHeaders are the titles of the sampler columns of `harness monitor`
// and of the run's live line, in the seed monitor script's order.
var MonitorHeaders = []string{"GPU%", "Mem%", "MemUsed", "Temp", "Power", "Req+N", "QueueMs", "InferMs"}

// monitorUnits are the units line under MonitorHeaders.
var monitorUnits = []string{"%", "%", "MiB", "C", "W", "req", "ms", "ms"}

// monitorWidths are the column widths of the table form, time and gpu first.
var monitorWidths = []int{9, 3, 5, 5, 8, 5, 7, 7, 8, 8}

// monitorKeys are the Latest keys behind MonitorHeaders; a leading "." is
// completed with the GPU prefix ("gpu" or "gpus.N").
var monitorKeys = []string{".utilization", ".memory_utilization", ".memory_used_mib", ".temperature",
	".power_w", "triton.requests", "triton.queue_ms", "triton.infer_ms"}

// MonitorCells formats Latest's all-GPU values (gpu.*) and Triton's under
// MonitorHeaders, "-" where unknown, for the run's live line.
func MonitorCells(latest map[string]float64) []string { return cells(latest, "gpu") }

func cells(latest map[string]float64, gpuPrefix string) []string {
	out := make([]string, len(monitorKeys))
	for i, k := range monitorKeys {
		if strings.HasPrefix(k, ".") {
			k = gpuPrefix + k
		}
		v, ok := latest[k]
		switch {
		case !ok || math.IsNaN(v):
			out[i] = "-"
		case i == 4: // power
			out[i] = strconv.FormatFloat(v, 'f', 1, 64)
		case i == 5: // requests since the previous scrape
			out[i] = "+" + strconv.FormatFloat(v, 'f', 0, 64)
		case i >= 6: // milliseconds
			out[i] = strconv.FormatFloat(v, 'f', 2, 64)
		default:
			out[i] = strconv.FormatFloat(v, 'f', 0, 64)
		}
	}
	return out
}

// WriteMonitorHeader writes the table header, two lines starting with '#'
// like nvidia-smi dmon: titles, then units.
func WriteMonitorHeader(w io.Writer) error {
	titles := append([]string{"time", "gpu"}, MonitorHeaders...)
	units := append([]string{"HH:MM:SS", "idx"}, monitorUnits...)
	_, err := fmt.Fprintf(w, "#%s\n#%s\n", pad(titles)[1:], pad(units)[1:])
	return err
}

// FormatMonitorLine formats one interval of `harness monitor`: a row per GPU
// (gpus.N.* keys, by index; the gpu column is N), or a single row with gpu
// "-" when no GPU is sampled. Triton's columns repeat on each row. Rows are
// joined by '\n', without a trailing newline. Columns are fixed and
// space-separated, "-" for unknown, so a script can split them.
func FormatMonitorLine(t time.Time, latest map[string]float64) string {
	idx := gpuIndexes(latest)
	if len(idx) == 0 {
		return pad(append([]string{t.Format(time.TimeOnly), "-"}, cells(latest, "gpu")...))
	}
	rows := make([]string, len(idx))
	for i, n := range idx {
		rows[i] = pad(append([]string{t.Format(time.TimeOnly), n}, cells(latest, "gpus."+n)...))
	}
	return strings.Join(rows, "\n")
}

// MonitorCSVHeader is the header of `harness monitor --format csv`.
const MonitorCSVHeader = "time,gpu,utilization,memory_utilization,memory_used_mib,temperature,power_w,triton_requests,triton_queue_ms,triton_infer_ms"

// FormatMonitorCSV formats one interval as CSV rows (one per GPU, as
// FormatMonitorLine): RFC 3339 time with fractional seconds, full-precision
// values, empty where unknown. No trailing newline.
func FormatMonitorCSV(t time.Time, latest map[string]float64) string {
	idx := gpuIndexes(latest)
	prefixes := []string{"gpu"}
	gpuCol := []string{""}
	if len(idx) > 0 {
		prefixes, gpuCol = nil, idx
		for _, n := range idx {
			prefixes = append(prefixes, "gpus."+n)
		}
	}
	rows := make([]string, len(prefixes))
	for i, p := range prefixes {
		f := []string{t.Format(time.RFC3339Nano), gpuCol[i]}
		for _, k := range monitorKeys {
			if strings.HasPrefix(k, ".") {
				k = p + k
			}
			if v, ok := latest[k]; ok && !math.IsNaN(v) {
				f = append(f, strconv.FormatFloat(v, 'f', -1, 64))
			} else {
				f = append(f, "")
			}
		}
		rows[i] = strings.Join(f, ",")
	}
	return strings.Join(rows, "\n")
}

// gpuIndexes returns the N of every gpus.N.* key, in numeric order.
func gpuIndexes(latest map[string]float64) []string {
	seen := map[int]bool{}
	for k := range latest {
		rest, ok := strings.CutPrefix(k, "gpus.")
		if !ok {
			continue
		}
		n, _, _ := strings.Cut(rest, ".")
		if i, err := strconv.Atoi(n); err == nil {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	s := make([]string, len(out))
	for i, n := range out {
		s[i] = strconv.Itoa(n)
	}
	return s
}

// pad right-aligns fields to monitorWidths, separated by two spaces.
func pad(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%*s", monitorWidths[i], f)
	}
	return b.String()
}
