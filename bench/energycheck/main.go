// Command energycheck compares the GPU energy a harness results file
// reports per step (gpu.energy_j, or gpus[i].energy_j with -gpu) with the
// time integral of nvidia-smi's power.draw over the same measured window.
//
// Record the power beside the run, with timestamps in UTC:
//
//	TZ=UTC nvidia-smi --query-gpu=timestamp,index,power.draw --format=csv -lms 100 > smi.csv
//
// then: energycheck -results results.json -smi smi.csv [-gpu 0] [-tolerance 5]
//
// nvidia-smi's CSV is read by its header (timestamp, index, power.draw
// [W]); units and [N/A] values are handled. The integral is the trapezoid
// over the samples, clipped to the window with linear interpolation at its
// edges. The harness figure spans the sampler's first to last reading in the
// window, so it can fall short of the window by up to one sampler interval:
// sample at 100-200 ms to keep that under 1 % of a 30 s step.
//
// Exit status: 0 when every step with known energy agrees within the
// tolerance, 1 when one does not, 2 on bad input.
package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/harness-gpu/harness/internal/result"
)

func main() {
	results := flag.String("results", "results.json", "harness results file")
	smi := flag.String("smi", "", "nvidia-smi CSV (timestamp, index, power.draw)")
	gpu := flag.Int("gpu", -1, "compare gpus[] entry with this index (default: gpu, all GPUs of the CSV summed)")
	tz := flag.String("tz", "UTC", "time zone of nvidia-smi's timestamps (IANA name or Local)")
	tol := flag.Float64("tolerance", 5, "largest acceptable difference, %")
	flag.Parse()
	code, err := run(os.Stdout, *results, *smi, *gpu, *tz, *tol)
	if err != nil {
		fmt.Fprintln(os.Stderr, "energycheck:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(w io.Writer, resultsPath, smiPath string, gpu int, tz string, tol float64) (int, error) {
	if smiPath == "" {
		return 0, errors.New("-smi is required")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return 0, fmt.Errorf("-tz: %w", err)
	}
	f, err := result.ReadFile(resultsPath)
	if err != nil {
		return 0, err
	}
	fh, err := os.Open(smiPath)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	series, err := readSMI(fh, loc)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", smiPath, err)
	}
	return compare(w, f, series, gpu, tol), nil
}

// sample is one power reading.
type sample struct {
	t time.Time
	w float64
}

// readSMI returns the power samples by GPU index, oldest first.
func readSMI(r io.Reader, loc *time.Location) (map[int][]sample, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("no header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		name, _, _ := strings.Cut(strings.TrimSpace(h), " ")
		col[name] = i
	}
	ti, ok1 := col["timestamp"]
	pi, ok2 := col["power.draw"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("header %q lacks timestamp or power.draw: query them with --format=csv (with its header)", strings.Join(head, ","))
	}
	ii, hasIndex := col["index"]
	out := map[int][]sample{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) <= max(ti, pi, ii) {
			continue // a truncated last line (nvidia-smi killed mid-write)
		}
		t, err := time.ParseInLocation("2006/01/02 15:04:05.000", strings.TrimSpace(rec[ti]), loc)
		if err != nil {
			return nil, fmt.Errorf("line %d: timestamp: %w", line, err)
		}
		v := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rec[pi]), "W"))
		p, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue // [N/A], [Unknown Error]
		}
		idx := 0
		if hasIndex {
			if idx, err = strconv.Atoi(strings.TrimSpace(rec[ii])); err != nil {
				return nil, fmt.Errorf("line %d: index: %w", line, err)
			}
		}
		out[idx] = append(out[idx], sample{t, p})
	}
	for _, s := range out {
		sort.SliceStable(s, func(i, j int) bool { return s[i].t.Before(s[j].t) })
	}
	if len(out) == 0 {
		return nil, errors.New("no power samples")
	}
	return out, nil
}

// integrate is the trapezoid integral of s over [start, end] in J, and the
// share of the window the samples cover.
func integrate(s []sample, start, end time.Time) (joules, covered float64) {
	at := func(a, b sample, t time.Time) float64 {
		span := b.t.Sub(a.t).Seconds()
		if span <= 0 {
			return b.w
		}
		return a.w + (b.w-a.w)*t.Sub(a.t).Seconds()/span
	}
	var secs float64
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		lo, hi := a.t, b.t
		if lo.Before(start) {
			lo = start
		}
		if hi.After(end) {
			hi = end
		}
		if !lo.Before(hi) {
			continue
		}
		d := hi.Sub(lo).Seconds()
		joules += (at(a, b, lo) + at(a, b, hi)) / 2 * d
		secs += d
	}
	if win := end.Sub(start).Seconds(); win > 0 {
		covered = secs / win
	}
	return joules, covered
}

func compare(w io.Writer, f *result.File, series map[int][]sample, gpu int, tol float64) int {
	what := "gpu.energy_j (all GPUs)"
	if gpu >= 0 {
		what = fmt.Sprintf("gpus[index %d].energy_j", gpu)
	}
	fmt.Fprintf(w, "%-20s %14s %-15s %14s %9s %8s  %s\n", "step", "harness J", "source", "nvidia-smi J", "diff %", "covered", what)
	code := 0
	for _, s := range f.Steps {
		harness, source := stepEnergy(&s, gpu)
		var smi, cov float64
		n := 0
		for idx, ss := range series {
			if gpu >= 0 && idx != gpu {
				continue
			}
			j, c := integrate(ss, s.Measured.Start, s.Measured.End)
			smi, cov, n = smi+j, cov+c, n+1
		}
		if n > 0 {
			cov /= float64(n)
		}
		verdict, diff := "", "-"
		switch {
		case harness == nil:
			verdict = "harness energy unknown"
		case cov < 0.99:
			verdict = "nvidia-smi does not cover the window"
			code = 1
		default:
			d := (*harness - smi) / smi * 100
			diff = fmt.Sprintf("%+.2f", d)
			verdict = "PASS"
			if math.IsNaN(d) || math.Abs(d) > tol {
				verdict, code = fmt.Sprintf("FAIL (over %g %%)", tol), 1
			}
		}
		fmt.Fprintf(w, "%-20s %14s %-15s %14.1f %9s %7.1f%%  %s\n", s.Name, fmtJ(harness), source, smi, diff, cov*100, verdict)
	}
	return code
}

func stepEnergy(s *result.Step, gpu int) (*float64, string) {
	if gpu < 0 {
		if s.GPU == nil {
			return nil, ""
		}
		return s.GPU.EnergyJ, s.GPU.EnergySource
	}
	for _, g := range s.GPUs {
		if g.Index == gpu {
			return g.EnergyJ, g.EnergySource
		}
	}
	return nil, ""
}

func fmtJ(p *float64) string {
	if p == nil {
		return "unknown"
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}
