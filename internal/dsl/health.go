package dsl

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var healthSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "url", Required: true}, {Name: "method"}, {Name: "status"},
		{Name: "timeout"}, {Name: "interval"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "tls"}},
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
		checkURL(a, "url", u)
	}
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
