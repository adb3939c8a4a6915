package sampler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// maxBody caps a scraped page. Triton with many models is a few hundred KiB;
// anything past this is not a metrics page we should hold in memory.
const maxBody = 16 << 20

// acceptHeader asks for the classic text format first; OpenMetrics is read
// when a server only speaks that.
const acceptHeader = "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1"

// maxOMLine caps OpenMetrics lines: expfmt's OpenMetrics parser (an ABNF
// grammar) takes superlinear time in line length; real lines are a few
// hundred bytes.
const maxOMLine = 2048

// sample is one flattened exposition line: a name, its sorted labels and a value.
type sample struct {
	name   string
	labels []label
	value  float64
}

type label struct{ name, value string }

// get returns the value of label n, or "".
func (s sample) get(n string) string {
	for _, l := range s.labels {
		if l.name == n {
			return l.value
		}
	}
	return ""
}

// key is the canonical label set, {a="x",b="y"} with names sorted, that
// identifies one series of a metric.
func (s sample) key() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range s.labels {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", l.name, l.value)
	}
	b.WriteByte('}')
	return b.String()
}

// scrape GETs url within ctx and parses the page. The body is read up to
// maxBody and dropped once parsed.
func scrape(ctx context.Context, c *http.Client, url string) ([]sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", acceptHeader)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: reading body: %w", url, err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("GET %s: body larger than %d MiB", url, maxBody>>20)
	}
	out, err := parseExposition(body, resp.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return out, nil
}

// parseExposition parses a metrics page: OpenMetrics when contentType says
// so, else the Prometheus text format. A missing final newline (which the
// text parser rejects, and which the captured Triton page lacks) is added.
func parseExposition(body []byte, contentType string) ([]sample, error) {
	format := expfmt.ResponseFormat(http.Header{"Content-Type": []string{contentType}})
	if format.FormatType() == expfmt.TypeOpenMetrics {
		for line := range bytes.Lines(body) {
			if len(line) > maxOMLine {
				return nil, fmt.Errorf("OpenMetrics line longer than %d bytes", maxOMLine)
			}
		}
		return decodeAll(expfmt.NewDecoder(bytes.NewReader(body), format))
	}
	if len(body) > 0 && body[len(body)-1] != '\n' {
		body = append(body[:len(body):len(body)], '\n')
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing metrics: %w", err)
	}
	var out []sample
	for _, n := range slices.Sorted(maps.Keys(fams)) {
		out = flatten(out, fams[n])
	}
	return out, nil
}

func decodeAll(d expfmt.Decoder) ([]sample, error) {
	var out []sample
	for {
		var mf dto.MetricFamily
		err := d.Decode(&mf)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parsing OpenMetrics: %w", err)
		}
		out = flatten(out, &mf)
	}
}

// flatten appends a family's samples as the exposition lines name them:
// counters, gauges and untyped values under the family name (dcgm pages
// without TYPE lines are all untyped), summaries as name{quantile}, name_sum
// and name_count, histograms as name_bucket{le}, name_sum and name_count.
func flatten(out []sample, mf *dto.MetricFamily) []sample {
	name := mf.GetName()
	for _, m := range mf.GetMetric() {
		ls := labelsOf(m)
		add := func(n string, v float64, extra ...label) {
			l := ls
			if len(extra) > 0 {
				l = append(append([]label(nil), ls...), extra...)
				sortLabels(l)
			}
			out = append(out, sample{name: n, labels: l, value: v})
		}
		switch {
		case m.GetCounter() != nil:
			add(name, m.GetCounter().GetValue())
		case m.GetGauge() != nil:
			add(name, m.GetGauge().GetValue())
		case m.GetUntyped() != nil:
			add(name, m.GetUntyped().GetValue())
		case m.GetSummary() != nil:
			s := m.GetSummary()
			for _, q := range s.GetQuantile() {
				add(name, q.GetValue(), label{"quantile", model.FloatString(q.GetQuantile()).String()})
			}
			add(name+"_sum", s.GetSampleSum())
			add(name+"_count", float64(s.GetSampleCount()))
		case m.GetHistogram() != nil:
			h := m.GetHistogram()
			for _, b := range h.GetBucket() {
				add(name+"_bucket", float64(b.GetCumulativeCount()), label{"le", model.FloatString(b.GetUpperBound()).String()})
			}
			add(name+"_sum", h.GetSampleSum())
			add(name+"_count", float64(h.GetSampleCount()))
		}
	}
	return out
}

func labelsOf(m *dto.Metric) []label {
	ls := make([]label, 0, len(m.GetLabel()))
	for _, lp := range m.GetLabel() {
		ls = append(ls, label{lp.GetName(), lp.GetValue()})
	}
	sortLabels(ls)
	return ls
}

func sortLabels(ls []label) {
	slices.SortFunc(ls, func(a, b label) int { return strings.Compare(a.name, b.name) })
}
