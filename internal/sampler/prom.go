package sampler

import (
	"context"
	"net/http"

	"github.com/harness-gpu/harness/internal/dsl"
)

// promSampler scrapes any Prometheus exposition endpoint for the declared
// series.
type promSampler struct {
	url    string
	series []*dsl.Series
	client *http.Client
}

var _ Sampler = (*promSampler)(nil)

func newProm(cfg *dsl.Sampler, opts Options) Sampler {
	return &promSampler{url: cfg.URL, series: cfg.Series, client: opts.client()}
}

// Start scrapes once: the endpoint must answer with a parseable page. A
// declared series absent from it is not an error yet (a counter with labels
// appears on its first increment); its window values are unknown until then.
func (p *promSampler) Start(ctx context.Context) error {
	_, err := scrape(ctx, p.client, p.url)
	return err
}

func (p *promSampler) Sample(ctx context.Context) (Reading, error) {
	ss, err := scrape(ctx, p.client, p.url)
	if err != nil {
		return Reading{}, err
	}
	return promReading(ss, p.series), nil
}

func (p *promSampler) Close() error { return nil }

// promReading selects the declared series. A gauge is summed over its
// matching label sets at the scrape; a counter keeps each label set as its
// own series so resets are found before summing.
func promReading(ss []sample, series []*dsl.Series) Reading {
	var r Reading
	for _, d := range series {
		sum, found := 0.0, false
		for _, s := range ss {
			if s.name != d.Metric || !matches(s, d.Labels) {
				continue
			}
			if d.Kind == dsl.SeriesCounter {
				r.Points = append(r.Points, Point{Class: classCounter, Field: d.Name, Entity: s.key(), Value: s.value})
				continue
			}
			sum += s.value
			found = true
		}
		if found {
			r.Points = append(r.Points, Point{Class: classGauge, Field: d.Name, Value: sum})
		}
	}
	return r
}

// matches applies equality label matchers; an empty value matches a missing
// label, as in PromQL.
func matches(s sample, want map[string]string) bool {
	for k, v := range want {
		if s.get(k) != v {
			return false
		}
	}
	return true
}
