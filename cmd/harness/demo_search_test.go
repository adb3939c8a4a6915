package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
	"github.com/harness-gpu/harness/internal/session"
	"github.com/harness-gpu/harness/internal/sim"
	"github.com/harness-gpu/harness/scenarios"
)

// TestDemoSearchOrdersGPUs runs the demo's capacity search (short probes,
// a coarse precision) on both simulated GPUs: the rtx5090 must serve more
// users within the limits than the rtx3060. About 40 s, so not with
// -short.
func TestDemoSearchOrdersGPUs(t *testing.T) {
	if testing.Short() {
		t.Skip("two capacity searches against the simulator take about 40 s")
	}
	name, fast := searchWorkload.file, searchWorkload.fast
	src, err := scenarios.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	capacity := map[string]float64{}
	for _, gpu := range []string{"rtx3060", "rtx5090"} {
		profile, err := sim.ProfileByName(gpu)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		srv, url, err := sim.Start(ctx, "127.0.0.1:0", sim.Config{Profile: profile})
		if err != nil {
			t.Fatal(err)
		}
		vars := append([]string{"backend=" + url, "start=80", "precision=0.5"}, fast...)
		vars = append(vars, "probe=3s", "ramp=1s") // later wins: shorter than --fast
		scn, diags := dsl.LoadBytes("scenarios/"+name, src, dsl.LoadOptions{Vars: vars})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		f, err := session.Run(ctx, scn, session.Options{Out: filepath.Join(t.TempDir(), gpu+".json"), Quiet: true})
		srv.Close()
		cancel()
		if f == nil || len(f.Searches) != 1 {
			t.Fatalf("%s: run: %v, file %+v", gpu, err, f)
		}
		s := f.Searches[0]
		if s.Status != result.SearchFound && s.Status != result.SearchAboveMax {
			t.Fatalf("%s: search %s: %+v", gpu, s.Status, s)
		}
		capacity[gpu] = s.Capacity
		t.Logf("%s: %s (%s)", gpu, s.Level(s.Capacity), s.Status)
	}
	if capacity["rtx5090"] <= capacity["rtx3060"] {
		t.Errorf("capacity rtx3060 %v users, rtx5090 %v users: want the rtx5090 higher", capacity["rtx3060"], capacity["rtx5090"])
	}
}
