package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/harness-gpu/harness/internal/result"
)

// liveSampler is one sampler column of the live console: its header and the
// result.Tick.Samples key it shows.
type liveSampler struct {
	head, key string
	width     int
}

var liveSamplers = []liveSampler{
	{"GPU%", "gpu.utilization", 5},
	{"Mem%", "gpu.memory_utilization", 5},
	{"MemUsed", "gpu.memory_used_mib", 8},
	{"Temp", "gpu.temperature", 5},
	{"Power", "gpu.power_w", 6},
	{"Req+N", "triton.requests", 6},
	{"QueueMs", "triton.queue_ms", 8},
	{"InferMs", "triton.infer_ms", 8},
}

// liveHeaderEvery repeats the header like `nvidia-smi dmon` does.
const liveHeaderEvery = 20

// Live is the live console: one plain, aligned line per second, like
// `nvidia-smi dmon`, so it reads the same in a terminal and in a CI log. On
// a terminal each line also shows the step's progress (elapsed/total).
// Sampler columns appear only when the run has samplers (Tick.Samples not nil).
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
	var b strings.Builder
	if l.lines%liveHeaderEvery == 0 {
		l.header(&b, t.Samples != nil)
	}
	l.lines++
	level := fmt.Sprintf("%du", t.Users)
	if t.Rate > 0 { // an open-model step: its rate, not its (zero) users
		level = fmt.Sprintf("%.1f/s", t.Rate)
	}
	fmt.Fprintf(&b, "%8s %-16s %-3s %8s %8.1f %8s %8s %6d", t.Time.Format("15:04:05"), liveClip(t.Step, 16),
		livePhase(t.Phase), level, t.RPS, oneDecimal(t.P50), oneDecimal(t.P95), t.Errors)
	if t.Samples != nil {
		for _, c := range liveSamplers {
			v, ok := t.Samples[c.key]
			cell := "-"
			if ok {
				cell = fmt.Sprintf("%.1f", v)
			}
			fmt.Fprintf(&b, " %*s", c.width, cell)
		}
	}
	if l.tty {
		fmt.Fprintf(&b, "  %s/%s", liveClock(t.StepElapsed.Seconds()), liveClock(t.StepTotal.Seconds()))
	}
	b.WriteByte('\n')
	_, l.err = io.WriteString(l.w, b.String())
}

func (l *Live) header(b *strings.Builder, samplers bool) {
	fmt.Fprintf(b, "# %6s %-16s %-3s %8s %8s %8s %8s %6s", "time", "step", "ph", "load", "req/s", "p50ms", "p95ms", "errors")
	if samplers {
		for _, c := range liveSamplers {
			fmt.Fprintf(b, " %*s", c.width, c.head)
		}
	}
	if l.tty {
		b.WriteString("  progress")
	}
	b.WriteByte('\n')
}

func livePhase(p string) string {
	if p == "ramp" {
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
