package sampler

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// monitorCols are the sampler columns of `harness monitor`, in the seed
// monitor script's order: title, unit, width in the table form, the table's
// fmt verb, and the Latest key behind it (a leading "." is completed with
// the GPU prefix, "gpu" or "gpus.N"). The table keeps fixed decimals per
// column so that its columns line up; CSV gives full precision.
var monitorCols = []struct {
	title, unit string
	width       int
	verb, key   string
}{
	{"GPU%", "%", 5, "%.0f", ".utilization"},
	{"Mem%", "%", 5, "%.0f", ".memory_utilization"},
	{"MemUsed", "MiB", 8, "%.0f", ".memory_used_mib"},
	{"Temp", "C", 5, "%.0f", ".temperature"},
	{"Power", "W", 7, "%.1f", ".power_w"},
	{"TritonReq", "n/line", 9, "%+.0f", "triton.requests"}, // Triton's successful requests since its previous scrape
	{"QueueMs", "ms", 8, "%.2f", "triton.queue_ms"},
	{"InferMs", "ms", 8, "%.2f", "triton.infer_ms"},
}

// monitorStale says which columns show a stale sampler's values and how
// old they are: the GPU columns (those before the first triton key) are
// stale when a GPU source is, the Triton columns when a triton sampler is.
type monitorStale struct {
	gpu, triton bool
	notes       []string // "NAME stale Ns", in sampler order
	csv         []string // "NAME:Ns"
}

func newMonitorStale(status []result.SamplerStatus) monitorStale {
	var ms monitorStale
	hw := slices.ContainsFunc(status, func(s result.SamplerStatus) bool {
		return s.Started && (s.Kind == string(dsl.SamplerNVML) || s.Kind == string(dsl.SamplerDCGM))
	})
	for _, s := range status {
		if !s.Stale() {
			continue
		}
		age := StaleAge(s.NoData)
		ms.notes = append(ms.notes, fmt.Sprintf("%s stale %s", s.Name, age))
		ms.csv = append(ms.csv, fmt.Sprintf("%s:%s", s.Name, age))
		switch dsl.SamplerKind(s.Kind) {
		case dsl.SamplerNVML, dsl.SamplerDCGM:
			ms.gpu = true
		case dsl.SamplerTriton:
			ms.triton = true
			ms.gpu = ms.gpu || !hw // without nvml or dcgm, Triton's own GPU gauges fill the GPU columns
		}
	}
	return ms
}

// StaleAge rounds how long a sampler has had no data for display: to a
// tenth of a second below 10 s (monitor intervals can be short), else to the
// second.
func StaleAge(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return max(d.Round(100*time.Millisecond), 100*time.Millisecond)
	}
	return d.Round(time.Second)
}

func (ms monitorStale) column(i int) bool {
	if strings.HasPrefix(monitorCols[i].key, "triton.") {
		return ms.triton
	}
	return ms.gpu
}

// monitorValue is column i's value under gpuPrefix; false when unknown.
func monitorValue(latest map[string]float64, gpuPrefix string, i int) (float64, bool) {
	k := monitorCols[i].key
	if strings.HasPrefix(k, ".") {
		k = gpuPrefix + k
	}
	v, ok := latest[k]
	return v, ok && !math.IsNaN(v)
}

// monitorRows lists the rows of one interval: the gpu column and the GPU
// prefix of each, one row per gpus.N (by index), or a single all-GPU row
// with gpu "" when no GPU is sampled.
func monitorRows(latest map[string]float64) (gpus, prefixes []string) {
	gpus = gpuIndexes(latest)
	if len(gpus) == 0 {
		return []string{""}, []string{"gpu"}
	}
	for _, n := range gpus {
		prefixes = append(prefixes, "gpus."+n)
	}
	return gpus, prefixes
}

// WriteMonitorHeader writes the table header, two lines starting with '#'
// like nvidia-smi dmon: titles, then units.
func WriteMonitorHeader(w io.Writer) error {
	titles, units := []string{"time", "gpu"}, []string{"HH:MM:SS", "idx"}
	for _, c := range monitorCols {
		titles, units = append(titles, c.title), append(units, c.unit)
	}
	_, err := fmt.Fprintf(w, "#%s\n#%s\n", pad(titles)[1:], pad(units)[1:])
	return err
}

// FormatMonitorLine formats one interval of `harness monitor`: a row per GPU
// (gpus.N.* keys, by index; the gpu column is N), or a single row with gpu
// "-" when no GPU is sampled. Triton's columns repeat on each row. Rows are
// joined by '\n', without a trailing newline. Columns are fixed and
// space-separated, "-" for unknown, so a script can split them. A value of
// a sampler whose data stopped arriving (status, from Group.Status) ends in
// '*', and the row ends with how old it is: "(dcgm stale 4s)".
func FormatMonitorLine(t time.Time, latest map[string]float64, status []result.SamplerStatus) string {
	ms := newMonitorStale(status)
	gpus, prefixes := monitorRows(latest)
	rows := make([]string, len(gpus))
	for r, p := range prefixes {
		f := []string{t.Format(time.TimeOnly), cmp.Or(gpus[r], "-")}
		for i, c := range monitorCols {
			cell := "-"
			if v, ok := monitorValue(latest, p, i); ok {
				cell = fmt.Sprintf(c.verb, v)
				if ms.column(i) {
					cell += "*"
				}
			}
			f = append(f, cell)
		}
		rows[r] = pad(f)
		if len(ms.notes) > 0 {
			rows[r] += "  (" + strings.Join(ms.notes, ", ") + ")"
		}
	}
	return strings.Join(rows, "\n")
}

// MonitorCSVHeader is the header of `harness monitor --format csv`.
const MonitorCSVHeader = "time,gpu,utilization,memory_utilization,memory_used_mib,temperature,power_w,triton_requests,triton_queue_ms,triton_infer_ms,stale"

// FormatMonitorCSV formats one interval as CSV rows (one per GPU, as
// FormatMonitorLine): RFC 3339 time with fractional seconds, full-precision
// values, empty where unknown. The last column lists the samplers whose data
// stopped arriving and how old it is ("dcgm:4s;tri:2s"), empty when every
// value is current. No trailing newline.
func FormatMonitorCSV(t time.Time, latest map[string]float64, status []result.SamplerStatus) string {
	stale := strings.Join(newMonitorStale(status).csv, ";")
	gpus, prefixes := monitorRows(latest)
	rows := make([]string, len(gpus))
	for r, p := range prefixes {
		f := []string{t.Format(time.RFC3339Nano), gpus[r]}
		for i := range monitorCols {
			cell := ""
			if v, ok := monitorValue(latest, p, i); ok {
				cell = strconv.FormatFloat(v, 'f', -1, 64)
			}
			f = append(f, cell)
		}
		rows[r] = strings.Join(append(f, stale), ",")
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
	var out []string
	for _, i := range slices.Sorted(maps.Keys(seen)) {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// pad right-aligns the time, gpu and sampler columns to their widths,
// separated by two spaces.
func pad(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		w := 9 // time
		switch {
		case i == 1:
			w = 3 // gpu
		case i > 1:
			w = monitorCols[i-2].width
		}
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%*s", w, f)
	}
	return b.String()
}
