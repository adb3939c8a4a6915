package dsl

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var healthSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "url", Required: true}, {Name: "method"}, {Name: "status"},
		{Name: "timeout"}, {Name: "interval"}, {Name: "model"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "tls"}},
}

// grpcHealthArgs reads `model`, which only a gRPC check takes, and refuses
// what one cannot use: a gRPC check asks KServe's ServerReady (and
// ModelReady for model), which answer ready or not, with no method or
// status.
func grpcHealthArgs(a *attrs, h *Health) {
	grpcURL := GRPC(h.URL)
	if m, ok := a.str("model"); ok {
		h.Model = m
		if !grpcURL {
			a.errorf("model", "model on an HTTP health check", "model applies to grpc:// health checks (KServe ModelReady); over HTTP give the model's ready URL, such as /v2/models/NAME/ready.")
		}
	}
	if grpcURL {
		for _, n := range []string{"method", "status"} {
			if a.has(n) {
				a.errorf(n, "Conflicting arguments", "A grpc:// health check asks KServe's ServerReady (and ModelReady with model) and takes no %s.", n)
			}
		}
	}
}

// decodeHealthBlock reads a `health "name"` precondition. Defaults: GET,
// status [200], give up after 30s, poll every 1s.
func decodeHealthBlock(block *hcl.Block, ctx *hcl.EvalContext, baseDir string) (*Health, hcl.Diagnostics) {
	h := &Health{
		Name: block.Labels[0], Method: "GET", Status: []int{200},
		Timeout: DefaultTimeout, Interval: time.Second, DeclRange: block.DefRange,
	}
	content, diags := bodyContent(block.Body, healthSchema)
	a := newAttrs(content.Attributes, ctx)
	if u, ok := a.str("url"); ok {
		h.URL = u
		if GRPC(u) {
			checkKServeURL(a, u)
		} else {
			checkURL(a, "url", u)
		}
	}
	grpcHealthArgs(a, h)
	if m, ok := a.str("method"); ok {
		h.Method = strings.ToUpper(m)
	}
	if s := statusList(a); len(s) > 0 {
		h.Status = s
	}
	h.Timeout = a.positiveDurationOr("timeout", DefaultTimeout)
	h.Interval = a.positiveDurationOr("interval", time.Second)
	seen := map[string]bool{}
	for _, b := range content.Blocks {
		if once(b, seen, &diags) {
			var d hcl.Diagnostics
			h.TLS, d = decodeTLSBlock(b, ctx, baseDir)
			diags = append(diags, d...)
		}
	}
	return h, append(diags, a.diags...)
}
