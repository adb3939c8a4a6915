//go:build race

package sim

// raceEnabled: the race detector slows the process ~10×, which makes
// wall-clock load figures meaningless.
const raceEnabled = true
