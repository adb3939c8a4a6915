package dsl

import (
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var targetSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "method"}, {Name: "url", Required: true}, {Name: "headers"},
		{Name: "body"}, {Name: "body_base64"}, {Name: "timeout"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "tls"}, {Type: "expect"}, {Type: "kserve"}, {Type: "extract", LabelNames: []string{"name"}},
		{Type: "stream"}, {Type: "slo"},
	},
}

// DefaultTimeout is a request's deadline when a target or health check
// sets none.
const DefaultTimeout = 30 * time.Second

// decodeTargetBlock reads a `target "name"` block.
func decodeTargetBlock(block *hcl.Block, ctx *hcl.EvalContext, baseDir string) (*Target, hcl.Diagnostics) {
	t := &Target{Name: block.Labels[0], Method: "GET", Timeout: DefaultTimeout, DeclRange: block.DefRange}
	content, diags := bodyContent(block.Body, targetSchema)
	a := newAttrs(content.Attributes, ctx)
	if u, ok := a.str("url"); ok {
		t.URL = u
		switch {
		case hasBlock(content.Blocks, "kserve"):
			checkKServeURL(a, u)
		case GRPC(u):
			a.errorf("url", "gRPC needs a kserve block",
				"url = %q is a gRPC URL; the request a gRPC target sends is a KServe v2 inference, described by a kserve { model = …, input \"NAME\" { … } } block.", u)
		default:
			checkURL(a, "url", u)
		}
	}
	t.Headers, _ = a.strMap("headers")
	t.Timeout = a.positiveDurationOr("timeout", DefaultTimeout)
	decodeBody(a, t)
	if m, ok := a.str("method"); ok {
		t.Method = strings.ToUpper(m)
	} else if t.Body != nil {
		t.Method = "POST"
	}
	seen := map[string]bool{}
	extracts := newDefinitions("extract")
	for _, b := range content.Blocks {
		if b.Type == "stream" && once(b, seen, &diags) {
			var d hcl.Diagnostics
			t.Stream, d = decodeStreamBlock(b, ctx)
			diags = append(diags, d...)
		}
	}
	for _, b := range content.Blocks {
		switch b.Type {
		case "tls":
			if once(b, seen, &diags) {
				var d hcl.Diagnostics
				t.TLS, d = decodeTLSBlock(b, ctx, baseDir)
				diags = append(diags, d...)
			}
		case "expect":
			if once(b, seen, &diags) {
				diags = append(diags, decodeExpectBlock(b, ctx, t)...)
			}
		case "extract":
			ex, d := decodeExtractBlock(b, ctx)
			diags = append(diags, d...)
			if extracts.claim(ex.Name, labelRange(b), &diags) {
				t.Extracts = append(t.Extracts, ex)
			}
		case "slo":
			if once(b, seen, &diags) {
				var d hcl.Diagnostics
				t.SLO, d = decodeSLOBlock(b, ctx, t.Stream != nil)
				diags = append(diags, d...)
			}
		case "kserve":
			if once(b, seen, &diags) {
				var d hcl.Diagnostics
				t.KServe, d = decodeKServeBlock(b, ctx, baseDir)
				diags = append(diags, d...)
				kserveConflicts(a, t)
			}
		}
	}
	diags = append(diags, checkTargetStream(t)...)
	diags = append(diags, checkOutputExtracts(t)...)
	return t, append(diags, a.diags...)
}

// decodeBody reads body (text) or body_base64 (bytes): at most one.
func decodeBody(a *attrs, t *Target) {
	if a.has("body") && a.has("body_base64") {
		a.errorf("body_base64", "Conflicting arguments",
			"A target takes body (text) or body_base64 (bytes), not both; remove one.")
		return
	}
	if s, ok := a.str("body"); ok {
		t.Body = []byte(s)
	}
	if s, ok := a.str("body_base64"); ok {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			a.errorf("body_base64", "Invalid base64", "body_base64 is not valid base64 (%v); use filebase64(\"file\") or base64encode(…).", err)
			return
		}
		t.Body = b
	}
}

func hasBlock(blocks hcl.Blocks, typ string) bool {
	for _, b := range blocks {
		if b.Type == typ {
			return true
		}
	}
	return false
}

// kserveConflicts reports what a kserve block makes meaningless: it is the
// request, sent with POST.
func kserveConflicts(a *attrs, t *Target) {
	for _, n := range []string{"body", "body_base64", "method"} {
		if a.has(n) {
			a.errorf(n, "Conflicting arguments", "A target with a kserve block sends the inference request the block describes; remove %s.", n)
		}
	}
	t.Method, t.Body = "POST", nil
}

// checkURL reports a URL that is not absolute http(s).
func checkURL(a *attrs, name, u string) {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		a.errorf(name, "Invalid URL", "%s = %q must be an absolute http:// or https:// URL.", name, u)
	}
}

var expectSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "status"}, {Name: "grpc_status"}}}

// decodeExpectBlock reads `expect { status = [...] }`, or for a gRPC
// target `expect { grpc_status = ["OK", …] }`.
func decodeExpectBlock(b *hcl.Block, ctx *hcl.EvalContext, t *Target) hcl.Diagnostics {
	content, diags := bodyContent(b.Body, expectSchema)
	a := newAttrs(content.Attributes, ctx)
	t.ExpectStatus = statusList(a)
	t.ExpectGRPC = grpcStatusList(a)
	grpcURL := GRPC(t.URL)
	switch {
	case grpcURL && a.has("status"):
		a.errorf("status", "HTTP status on a gRPC target", "A gRPC target's calls end in a gRPC status; expect it with grpc_status = [\"OK\", …].")
	case !grpcURL && a.has("grpc_status"):
		a.errorf("grpc_status", "gRPC status on an HTTP target", "grpc_status applies to grpc:// and grpcs:// targets; an HTTP target expects status = [200, …].")
	}
	return append(diags, a.diags...)
}

// statusList reads `status`, each between 100 and 599.
func statusList(a *attrs) []int {
	codes, ok := a.ints("status")
	if !ok {
		return nil
	}
	for _, c := range codes {
		if c < 100 || c > 599 {
			a.errorf("status", "Invalid HTTP status", "status %d is not an HTTP status code (100-599).", c)
			return nil
		}
	}
	return codes
}

var extractSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "json"}, {Name: "output"}}}

// decodeExtractBlock reads `extract "name" { json = "a.b.0.c" }`, or on a
// kserve target `extract "name" { output = "NAME" }` (kserve.go).
func decodeExtractBlock(b *hcl.Block, ctx *hcl.EvalContext) (*Extract, hcl.Diagnostics) {
	ex := &Extract{Name: b.Labels[0], DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, extractSchema)
	a := newAttrs(content.Attributes, ctx)
	if extractOutput(a, ex, b.DefRange) {
		return ex, append(diags, a.diags...)
	}
	if p, ok := a.str("json"); ok {
		ex.JSONPath = p
		if p == "" || strings.HasPrefix(p, ".") || strings.HasSuffix(p, ".") || strings.Contains(p, "..") {
			a.errorf("json", "Invalid JSON path", "json = %q must be a dot path of field names and list indexes, such as \"a.b.0.c\".", p)
		}
	}
	return ex, append(diags, a.diags...)
}

// once reports a second block of a kind that may appear only once.
func once(b *hcl.Block, seen map[string]bool, diags *hcl.Diagnostics) bool {
	if seen[b.Type] {
		r := b.DefRange
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate " + b.Type + " block",
			Detail:   "Only one " + b.Type + " block is allowed here; merge them.",
			Subject:  &r,
		})
		return false
	}
	seen[b.Type] = true
	return true
}
