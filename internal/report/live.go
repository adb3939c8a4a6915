package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

// liveCol is one sampler column of the live console: its header, the
// Tick.Samples key it shows, how it prints the value, and the samplers whose
// data it shows (a stale one marks the cell).
type liveCol struct {
	head, key string
	width     int
	format    func(float64) string
	samplers  []string
}

func fixed(decimals int) func(float64) string {
	return func(v float64) string { return strconv.FormatFloat(v, 'f', decimals, 64) }
}

// liveGPU are the GPU columns, shown when the run has an nvml or dcgm
// sampler: the highest value across GPUs.
var liveGPU = []liveCol{
	{head: "GPU%", key: "gpu.utilization", width: 5, format: fixed(0)},
	{head: "Mem%", key: "gpu.memory_utilization", width: 5, format: fixed(0)},
	{head: "MemMiB", key: "gpu.memory_used_mib", width: 7, format: fixed(0)},
	{head: "TempC", key: "gpu.temperature", width: 5, format: fixed(0)},
	{head: "PowerW", key: "gpu.power_w", width: 7, format: fixed(1)},
}

// liveTriton are the Triton columns, shown when the run has a triton
// sampler: Triton's own count of the requests it completed per second, and
// its queue and compute times per request, over its last two scrapes.
var liveTriton = []liveCol{
	{head: "TritonReq/s", key: "triton.rps", width: 11, format: fixed(1)},
	{head: "QueueMs", key: "triton.queue_ms", width: 8, format: fixed(2)},
	{head: "InferMs", key: "triton.infer_ms", width: 8, format: fixed(2)},
}

// liveVLLM are the vLLM engine columns, shown when the run has a vllm
// sampler: requests running and waiting, and the KV cache's use.
var liveVLLM = []liveCol{
	{head: "Running", key: "vllm.running", width: 7, format: fixed(0)},
	{head: "Waiting", key: "vllm.waiting", width: 7, format: fixed(0)},
	{head: "KV%", key: "vllm.kv_cache_usage", width: 5, format: func(v float64) string { return strconv.FormatFloat(100*v, 'f', 0, 64) }},
}

// liveSeriesWidth bounds a prometheus series column: its name is clipped to
// it.
const liveSeriesWidth = 14

// liveColumns are the sampler columns for the samplers of a run: GPU columns
// with an nvml or dcgm sampler, Triton columns with a triton sampler, vLLM
// columns with a vllm sampler, and a column per prometheus series (a
// counter as its rate, headed NAME/s).
func liveColumns(ss []result.SamplerStatus) []liveCol {
	var gpu, triton, vllm []string
	var series []liveCol
	for _, s := range ss {
		switch s.Kind {
		case "nvml", "dcgm":
			gpu = append(gpu, s.Name)
		case "triton":
			triton = append(triton, s.Name)
		case "vllm":
			vllm = append(vllm, s.Name)
		case "prometheus":
			for _, sr := range s.Series {
				c := liveCol{head: sr.Name, key: "sampler." + s.Name + "." + sr.Name,
					format: compact, samplers: []string{s.Name}}
				if sr.Counter {
					c.head, c.key = sr.Name+"/s", c.key+".rate"
				}
				c.head = liveClip(c.head, liveSeriesWidth)
				c.width = max(len(c.head), 10)
				series = append(series, c)
			}
		}
	}
	var cols []liveCol
	for _, group := range []struct {
		cols     []liveCol
		samplers []string
	}{{liveGPU, gpu}, {liveTriton, triton}, {liveVLLM, vllm}} {
		if len(group.samplers) == 0 {
			continue
		}
		for _, c := range group.cols {
			c.samplers = group.samplers
			cols = append(cols, c)
		}
	}
	return append(cols, series...)
}

// compact prints a prometheus value, of any magnitude, in 4 significant
// digits.
func compact(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }

// liveHeaderEvery repeats the header like `nvidia-smi dmon` does.
const liveHeaderEvery = 20

// Live is the live console: one plain, aligned line per second, like
// `nvidia-smi dmon`, so it reads the same in a terminal and in a CI log. On
// a terminal each line also shows the step's progress (elapsed/total).
// Sampler columns are those of the run's samplers (liveColumns). A sampler
// whose data is not current marks its cells with '*' and the line ends with
// how long it has had no data ("dcgm: no data for 4 s").
type Live struct {
	w     io.Writer
	tty   bool
	lines int
	err   error
}

// NewLive writes to w; tty adds the step-progress column.
func NewLive(w io.Writer, tty bool) *Live { return &Live{w: w, tty: tty} }

// Err is the first write error, if any (Tick has no error to return, as it
// is called from the runner's tick).
func (l *Live) Err() error { return l.err }

// Tick prints one line for t (and the header every liveHeaderEvery lines).
func (l *Live) Tick(t result.Tick) {
	if l.err != nil {
		return
	}
	cols := liveColumns(t.Samplers)
	var b strings.Builder
	if l.lines%liveHeaderEvery == 0 {
		l.header(&b, cols, t.Streaming)
	}
	l.lines++
	level := fmt.Sprintf("%du", t.Users)
	if t.Rate > 0 { // an open-model step: its rate, not its (zero) users
		level = fmt.Sprintf("%.1f/s", t.Rate)
	}
	fmt.Fprintf(&b, "%8s %-16s %-3s %8s %8.1f %8s %8s %6d", t.Time.Format("15:04:05"), liveClip(t.Step, 16),
		livePhase(t.Phase), level, t.RPS, oneDecimal(t.P50), oneDecimal(t.P95), t.Errors)
	if t.Streaming {
		fmt.Fprintf(&b, " %8s %8.0f", oneDecimal(t.TTFTP50), t.TokensPerS)
	}
	var stale []string
	for _, s := range t.Samplers {
		if s.Stale() {
			stale = append(stale, s.Name)
		}
	}
	for _, c := range cols {
		cell := result.Unknown
		if v, ok := t.Samples[c.key]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			cell = c.format(v)
			if slices.ContainsFunc(c.samplers, func(n string) bool { return slices.Contains(stale, n) }) {
				cell += "*"
			}
		}
		fmt.Fprintf(&b, " %*s", c.width, cell)
	}
	if l.tty {
		fmt.Fprintf(&b, "  %s/%s", liveClock(t.StepElapsed.Seconds()), liveClock(t.StepTotal.Seconds()))
	}
	var notes []string
	if t.Note != "" {
		notes = append(notes, t.Note)
	}
	for _, s := range t.Samplers {
		if s.Stale() {
			notes = append(notes, fmt.Sprintf("%s: no data for %d s", s.Name, wholeSeconds(s.NoData)))
		}
	}
	if len(notes) > 0 {
		b.WriteString("  " + strings.Join(notes, "; "))
	}
	b.WriteByte('\n')
	_, l.err = io.WriteString(l.w, b.String())
}

// wholeSeconds rounds d to seconds, at least 1: a sampler with no data has
// had none for some time.
func wholeSeconds(d time.Duration) int64 {
	return max(int64(d.Round(time.Second)/time.Second), 1)
}

// header names the columns; streaming adds the streams' time to first token
// (p50, ms) and output tokens per second, over the streams that completed
// in the last second.
func (l *Live) header(b *strings.Builder, cols []liveCol, streaming bool) {
	fmt.Fprintf(b, "# %6s %-16s %-3s %8s %8s %8s %8s %6s", "time", "step", "ph", "load", "req/s", "p50ms", "p95ms", "errors")
	if streaming {
		fmt.Fprintf(b, " %8s %8s", "ttft50ms", "tok/s")
	}
	for _, c := range cols {
		fmt.Fprintf(b, " %*s", c.width, c.head)
	}
	if l.tty {
		b.WriteString("  progress")
	}
	b.WriteByte('\n')
}

func livePhase(p result.Phase) string {
	if p == result.PhaseRamp {
		return "R"
	}
	return "M"
}

func liveClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "~"
}

func liveClock(secs float64) string {
	s := int(secs)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
