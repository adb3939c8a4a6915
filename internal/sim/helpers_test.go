package sim

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// testImage returns a photo-like w×h image: smooth gradients plus noise.
func testImage(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := rng.IntN(40)
			img.Set(x, y, color.RGBA{uint8((x*200)/w + n), uint8((y*180)/h + n), uint8(((x+y)*90)/(w+h) + n), 255})
		}
	}
	return img
}

// jpegBody returns a POST /api/ai-quality body holding a w×h JPEG.
func jpegBody(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h, 7), &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(map[string]string{"image": base64.StdEncoding.EncodeToString(buf.Bytes())})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// fastProfile is a profile whose batches take microseconds, for tests that
// check behaviour, not timing.
func fastProfile() Profile {
	p, _ := ProfileByName("rtx3060")
	p.Name = "fast"
	p.BaseMs, p.PerItemMs, p.InputPerItemMs, p.OutputPerItemMs = 0.05, 0.01, 0.001, 0.001
	p.MaxQueueDelay = 100 * time.Microsecond
	return p
}

// newTestServer starts s on httptest and closes both at cleanup.
func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.SampleInterval == 0 {
		cfg.SampleInterval = time.Hour // tests sample by hand
	}
	s := New(cfg)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, ts
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func do(t testing.TB, method, url string, body []byte) reply {
	t.Helper()
	r, err := doErr(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// doErr is do for goroutines other than the test's, which must not Fatal.
func doErr(method, url string, body []byte) (reply, error) {
	req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}, err
}

// scrape parses a Prometheus text page as the samplers will.
func scrape(t testing.TB, url string) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	r := do(t, http.MethodGet, url, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", url, r.status)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", url, err, r.body)
	}
	return fams, string(r.body)
}

// value returns the value of the one series of fam whose labels include want.
func value(t testing.TB, fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	t.Helper()
	fam, ok := fams[name]
	if !ok {
		t.Fatalf("family %s missing", name)
	}
	var found []float64
	for _, m := range fam.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range want {
			if labels[k] != v {
				match = false
			}
		}
		if match {
			switch fam.GetType() {
			case dto.MetricType_COUNTER:
				found = append(found, m.GetCounter().GetValue())
			case dto.MetricType_GAUGE:
				found = append(found, m.GetGauge().GetValue())
			default:
				found = append(found, m.GetUntyped().GetValue())
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s%v: %d series match", name, want, len(found))
	}
	return found[0]
}

func labelNames(m *dto.Metric) string {
	var names []string
	for _, l := range m.GetLabel() {
		names = append(names, l.GetName())
	}
	return strings.Join(names, ",")
}
