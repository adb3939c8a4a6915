package runner

import (
	"runtime"

	"github.com/harness-gpu/harness/internal/dsl"
)

// MinStreamProcs is the fewest Go processors (GOMAXPROCS) a run with a
// stream target uses, whatever the machine's cores.
//
// Go's scheduler looks at the network when a processor runs out of work.
// With thousands of streams on two processors both can stay busy for
// milliseconds while chunks wait; a reader that gets to its first token
// after the second has arrived finds both in one read, and the kernel
// stamps such a read with the later packet's time (internal/arrival).
// With more processors than cores one is nearly always idle and blocked on
// the network, so the kernel wakes a reader when its bytes arrive. At 2,000
// streams on 2 cores this took the mean TTFT error from 1 to 3 ms with
// 20 ms outliers down to under 0.1 ms (BENCHMARKS.md), for about 15 MiB.
const MinStreamProcs = 8

// ProcsForStreams raises GOMAXPROCS to MinStreamProcs for a scenario with a
// stream target, unless the user set GOMAXPROCS (userSet), and returns what
// puts it back.
func ProcsForStreams(s *dsl.Scenario, userSet bool) (restore func()) {
	if userSet || !hasStream(s) {
		return func() {}
	}
	prev := runtime.GOMAXPROCS(0)
	if prev >= MinStreamProcs {
		return func() {}
	}
	runtime.GOMAXPROCS(MinStreamProcs)
	return func() { runtime.GOMAXPROCS(prev) }
}

func hasStream(s *dsl.Scenario) bool {
	for _, t := range s.Targets {
		if t.Stream != nil {
			return true
		}
	}
	return false
}
