package sampler

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/result"
)

// dcgmFields maps dcgm-exporter fields to GPU fields (dcgm-exporter's
// default-counters.csv; memory in MiB already). FB_FREE and FB_RESERVED only feed the total.
var dcgmFields = map[string]string{
	"DCGM_FI_DEV_GPU_UTIL":      fUtil,
	"DCGM_FI_DEV_MEM_COPY_UTIL": fMemUtil,
	"DCGM_FI_DEV_FB_USED":       fMemUsed,
	"DCGM_FI_DEV_GPU_TEMP":      fTemp,
	"DCGM_FI_DEV_POWER_USAGE":   fPower,
	"DCGM_FI_DEV_SM_CLOCK":      fSMClock,
	"DCGM_FI_DEV_FB_FREE":       "fb_free",
	"DCGM_FI_DEV_FB_RESERVED":   "fb_reserved",

	// A cumulative counter (mJ since the driver loaded), read as deltas.
	"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": fEnergy,
}

// DCGM "blank" sentinels: DCGM_FT_INT64_BLANK and above (NOT_FOUND,
// NOT_SUPPORTED, …) and DCGM_FT_FP64_BLANK. Current exporters filter them;
// older ones leaked them, so they are read as missing.
const (
	dcgmInt64Blank = 9223372036854775792.0
	dcgmFP64Blank  = 140737488355328.0
)

func dcgmBlank(v float64) bool { return v >= dcgmInt64Blank || v == dcgmFP64Blank }

// dcgmSampler scrapes a dcgm-exporter endpoint.
type dcgmSampler struct {
	url    string
	client *http.Client
}

var _ Sampler = (*dcgmSampler)(nil)

func newDCGM(cfg *dsl.Sampler, opts Options) Sampler {
	return &dcgmSampler{url: cfg.URL, client: opts.client()}
}

// Start scrapes once and requires at least one GPU field.
func (d *dcgmSampler) Start(ctx context.Context) error {
	ss, err := scrape(ctx, d.client, d.url)
	if err != nil {
		return err
	}
	if len(dcgmReading(ss).GPUs) == 0 {
		return fmt.Errorf("no DCGM GPU metrics (DCGM_FI_DEV_*) at %s: is this dcgm-exporter (default port 9400)?", d.url)
	}
	return nil
}

func (d *dcgmSampler) Sample(ctx context.Context) (Reading, error) {
	ss, err := scrape(ctx, d.client, d.url)
	if err != nil {
		return Reading{}, err
	}
	return dcgmReading(ss), nil
}

func (d *dcgmSampler) Close() error { return nil }

// dcgmGPUKey identifies a GPU: its UUID label (`uuid` with the exporter's
// --use-old-namespace), else gpu index plus host (`Hostname` up to 4.5.x,
// `hostname` on main).
func dcgmGPUKey(s sample) string {
	for _, l := range []string{"UUID", "uuid"} {
		if u := s.get(l); u != "" {
			return u
		}
	}
	host := s.get("Hostname")
	if host == "" {
		host = s.get("hostname")
	}
	return "gpu" + s.get("gpu") + "@" + host
}

// dcgmReading turns a page into GPU points. The first series of a field per
// GPU wins: a GPU shared by pods may repeat a field with pod labels.
func dcgmReading(ss []sample) Reading {
	type gpu struct {
		info   result.GPUInfo
		fields map[string]float64
	}
	var order []string
	gpus := map[string]*gpu{}
	for _, s := range ss {
		f, ok := dcgmFields[s.name]
		if !ok || dcgmBlank(s.value) {
			continue
		}
		key := dcgmGPUKey(s)
		g := gpus[key]
		if g == nil {
			idx, _ := strconv.Atoi(s.get("gpu"))
			g = &gpu{info: result.GPUInfo{Index: idx, UUID: key, Name: s.get("modelName"),
				Driver: s.get("DCGM_FI_DRIVER_VERSION")}, fields: map[string]float64{}}
			gpus[key] = g
			order = append(order, key)
		}
		if _, dup := g.fields[f]; !dup {
			g.fields[f] = s.value
		}
	}
	var r Reading
	for _, key := range order {
		g := gpus[key]
		used, hasUsed := g.fields[fMemUsed]
		free, hasFree := g.fields["fb_free"]
		if hasUsed && hasFree {
			total := used + free + g.fields["fb_reserved"]
			g.fields[fMemTotal] = total
			g.info.MemoryMiB = total
		}
		for f, v := range g.fields {
			if !strings.HasPrefix(f, "fb_") {
				r.gpu(key, f, v)
			}
		}
		r.GPUs = append(r.GPUs, g.info)
	}
	return r
}
