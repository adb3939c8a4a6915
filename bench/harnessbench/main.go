// Command harnessbench drives internal/runner directly from flags, kept for
// profiling only: `harness run` has no profiling flags, and bench/peers.sh
// measures the real CLI. It builds the dsl.Scenario literal the HCL loader
// would produce for bench/peers.sh's scenarios (one target, one step, timeout
// 10 s), runs it, and prints one line: requests, rps, p50 and p99 (ms),
// dropped. -cpuprofile/-memprofile write pprof profiles; -memstats prints
// runtime.MemStats (goroutines, heap, stacks) that long into the run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/runner"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8089/fast", "target URL")
	users := flag.Int("users", 0, "closed model: users")
	rate := flag.Float64("rate", 0, "open model: arrivals/s")
	pace := flag.Duration("pace", 0, "closed model: pace")
	ramp := flag.Duration("ramp", 0, "ramp")
	duration := flag.Duration("duration", 10*time.Second, "measured window")
	maxInFlight := flag.Int("max-in-flight", 0, "open model cap (0 = plan default)")
	out := flag.String("out", "", "results file to write")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile")
	memprofile := flag.String("memprofile", "", "write a heap profile at the end")
	flag.DurationVar(&memstats, "memstats", 0, "print Go memory stats (and write -memprofile) this long into the run")
	flag.Parse()
	if err := run(*url, *users, *rate, *pace, *ramp, *duration, *maxInFlight, *out, *cpuprofile, *memprofile); err != nil {
		log.Fatal(err)
	}
}

var memstats time.Duration

// printMemStats shows where the memory is mid-run (heap vs goroutine
// stacks), and writes the heap profile then when asked.
func printMemStats(memprofile string) {
	if memprofile != "" {
		if f, err := os.Create(memprofile); err == nil {
			_ = pprof.WriteHeapProfile(f)
			_ = f.Close()
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	const mib = 1 << 20
	fmt.Fprintf(os.Stderr, "memstats: goroutines=%d heap_inuse=%.1fMiB stack_inuse=%.1fMiB sys=%.1fMiB\n",
		runtime.NumGoroutine(), float64(m.HeapInuse)/mib, float64(m.StackInuse)/mib, float64(m.Sys)/mib)
}

func run(url string, users int, rate float64, pace, ramp, duration time.Duration, maxInFlight int, out, cpuprofile, memprofile string) error {
	step := &dsl.Step{Name: "bench", Target: "t", Model: dsl.Closed, Users: users, Pace: pace, Ramp: ramp, Duration: duration}
	if rate > 0 {
		step = &dsl.Step{Name: "bench", Target: "t", Model: dsl.Open, Rate: rate, Ramp: ramp, Duration: duration, MaxInFlight: maxInFlight}
	}
	s := &dsl.Scenario{
		Name: "bench", File: "bench.hcl",
		Targets: []*dsl.Target{{Name: "t", Method: "GET", URL: url, Timeout: 10 * time.Second}},
		Steps:   []*dsl.Step{step},
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if memstats > 0 {
		at := memprofile
		time.AfterFunc(memstats, func() { printMemStats(at) })
		memprofile = ""
	}
	res, err := runner.Run(ctx, s, plan.Build(s), runner.Options{Version: "bench"})
	if err != nil {
		return err
	}
	st := res.Steps[0]
	ms := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	fmt.Printf("requests=%d ok=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f dropped=%d",
		st.Requests.Total, st.Requests.OK, st.Requests.RPS, ms(st.Latency.P50), ms(st.Latency.P99), st.Requests.Dropped)
	if sl := st.SendLatency; sl != nil {
		// open model: Latency runs from the scheduled arrival, SendLatency
		// from the actual send (what vegeta reports).
		fmt.Printf(" send_p50_ms=%.2f send_p99_ms=%.2f", ms(sl.P50), ms(sl.P99))
	}
	fmt.Println()
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			return err
		}
	}
	if out != "" {
		return result.WriteFile(out, res)
	}
	return nil
}
