package dsl

import (
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
)

var tlsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "ca_file"}, {Name: "cert_file"}, {Name: "key_file"},
		{Name: "server_name"}, {Name: "insecure_skip_verify"},
	},
}

// decodeTLSBlock reads a `tls` block of a target or health check. File paths
// are resolved relative to the scenario file, as file() is, so a scenario
// runs the same from any working directory.
func decodeTLSBlock(b *hcl.Block, ctx *hcl.EvalContext, baseDir string) (*TLS, hcl.Diagnostics) {
	t := &TLS{DeclRange: b.DefRange}
	content, diags := bodyContent(b.Body, tlsSchema)
	a := newAttrs(content.Attributes, ctx)
	path := func(name string) string {
		p, ok := a.str(name)
		if !ok || p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(baseDir, p)
	}
	t.CAFile = path("ca_file")
	t.CertFile = path("cert_file")
	t.KeyFile = path("key_file")
	t.ServerName, _ = a.str("server_name")
	t.InsecureSkipVerify, _ = a.boolean("insecure_skip_verify")
	if a.has("cert_file") != a.has("key_file") {
		missing := "key_file"
		present := "cert_file"
		if a.has("key_file") {
			missing, present = "cert_file", "key_file"
		}
		a.errorf(present, "Incomplete client certificate", "%s needs %s too: a client certificate is a certificate and its key.", present, missing)
	}
	if t.InsecureSkipVerify {
		a.warnf("insecure_skip_verify", "TLS verification disabled",
			"insecure_skip_verify = true accepts any certificate, so the test could be talking to anyone; prefer ca_file = \"cert.pem\" to trust a self-signed certificate.")
	}
	return t, append(diags, a.diags...)
}
