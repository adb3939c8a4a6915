package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// smiCSV writes nvidia-smi's --format=csv output for two GPUs sampled every
// 100 ms over 12 s: GPU 0 at 100 W for 2 s then 700 W, GPU 1 at 50 W, with
// one [N/A] reading.
func smiCSV() string {
	var b strings.Builder
	b.WriteString("timestamp, index, power.draw [W]\n")
	for i := 0; i <= 120; i++ {
		ts := t0.Add(time.Duration(i) * 100 * time.Millisecond).Format("2006/01/02 15:04:05.000")
		w := 100.0
		if i >= 20 {
			w = 700
		}
		fmt.Fprintf(&b, "%s, 0, %.2f W\n", ts, w)
		if i == 50 {
			fmt.Fprintf(&b, "%s, 1, [N/A]\n", ts)
			continue
		}
		fmt.Fprintf(&b, "%s, 1, 50.00 W\n", ts)
	}
	return b.String()
}

func TestIntegrateAndCompare(t *testing.T) {
	series, err := readSMI(strings.NewReader(smiCSV()), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	j, cov := integrate(series[0], t0.Add(3*time.Second), t0.Add(11*time.Second))
	if math.Abs(j-5600) > 1e-6 || math.Abs(cov-1) > 1e-9 {
		t.Errorf("GPU 0 over 3..11 s = %v J (covered %v), want 5600 J, 1", j, cov)
	}
	j, _ = integrate(series[0], t0.Add(1850*time.Millisecond), t0.Add(2050*time.Millisecond))
	// 1.85-1.9: 100 W; 1.9-2.0: ramp 100→700 (mean 400); 2.0-2.05: 700 W.
	if want := 0.05*100 + 0.1*400 + 0.05*700; math.Abs(j-want) > 1e-9 {
		t.Errorf("GPU 0 across the step = %v J, want %v", j, want)
	}
	if _, cov := integrate(series[1], t0.Add(10*time.Second), t0.Add(20*time.Second)); math.Abs(cov-0.2) > 1e-9 {
		t.Errorf("coverage past the CSV's end = %v, want 0.2", cov)
	}
	e := func(v float64) *float64 { return &v }
	step := func(name string, from, to float64, all, g0 *float64) result.Step {
		start, end := t0.Add(time.Duration(from*float64(time.Second))), t0.Add(time.Duration(to*float64(time.Second)))
		return result.Step{Name: name, Measured: result.Window{Start: start, End: end},
			GPU: &result.GPUStats{EnergyJ: all, EnergySource: "counter"},
			GPUs: []result.GPU{{Index: 0, GPUStats: result.GPUStats{EnergyJ: g0, EnergySource: "counter"}},
				{Index: 1, GPUStats: result.GPUStats{EnergyJ: e(400), EnergySource: "counter"}}}}
	}
	f := &result.File{Steps: []result.Step{
		step("loaded", 3, 11, e(6000), e(5600*1.03)), // all GPUs: 5600 + 8 × 50 = 6000
		step("off", 3, 11, e(6000*1.08), e(5600)),
		step("unknown", 3, 11, nil, nil),
	}}
	for _, c := range []struct {
		gpu  int
		code int
		want []string
	}{
		{-1, 1, []string{"loaded   ", "6000.0 counter", "6000.0", "+0.00", "PASS", "+8.00", "FAIL (over 5 %)", "harness energy unknown"}},
		{0, 0, []string{"5768.0", "5600.0", "+3.00", "PASS", "gpus[index 0]"}},
	} {
		var out strings.Builder
		if code := compare(&out, f, series, c.gpu, 5); code != c.code {
			t.Errorf("gpu %d: exit %d, want %d\n%s", c.gpu, code, c.code, out.String())
		}
		for _, w := range c.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("gpu %d: output lacks %q:\n%s", c.gpu, w, out.String())
			}
		}
	}
}

func TestReadSMIRefusesWithoutHeader(t *testing.T) {
	_, err := readSMI(strings.NewReader("2026/11/27 12:00:00.000, 0, 100 W\n"), time.UTC)
	if err == nil || !strings.Contains(err.Error(), "lacks timestamp or power.draw") {
		t.Errorf("err = %v", err)
	}
}
