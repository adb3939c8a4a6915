package dsl

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
		// Absolute, so that a consumer that resolves relative paths
		// against the scenario's directory itself cannot join it twice
		// (sub/sub/ca.pem for `run sub/s.hcl`).
		joined := filepath.Join(baseDir, p)
		if abs, err := filepath.Abs(joined); err == nil {
			return abs
		}
		return joined
	}
	t.CAFile = path("ca_file")
	t.CertFile = path("cert_file")
	t.KeyFile = path("key_file")
	for name, r := range map[string]*hcl.Range{"ca_file": &t.CAFileRange, "cert_file": &t.CertFileRange, "key_file": &t.KeyFileRange} {
		if at := a.rng(name); at != nil {
			*r = *at
		}
	}
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

// maxTLSFileSize caps a PEM file CheckFiles reads; certificates and keys are
// a few KiB.
const maxTLSFileSize = 1 << 20

// CheckFiles reads the files a run opens besides those file() read while
// loading: each tls block's ca_file, cert_file and key_file. It reports what
// run would refuse, with run's message, on the attribute, so that a
// scenario validate accepts does not then fail to start.
func CheckFiles(s *Scenario) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, t := range s.Targets {
		diags = append(diags, checkTLSFiles(t.TLS, fmt.Sprintf("target %q", t.Name))...)
	}
	for _, h := range s.Health {
		diags = append(diags, checkTLSFiles(h.TLS, fmt.Sprintf("health %q", h.Name))...)
	}
	return diags
}

func checkTLSFiles(t *TLS, owner string) hcl.Diagnostics {
	if t == nil {
		return nil
	}
	_, _, err := t.LoadFiles()
	var fe *TLSFileError
	if !errors.As(err, &fe) {
		return nil
	}
	subject := fe.Range
	if subject == (hcl.Range{}) {
		subject = t.DeclRange
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot use TLS file",
		Detail:   owner + ": " + fe.Error() + ".",
		Subject:  &subject,
	}}
}

// TLSFileError is a tls block's file that cannot be used; Range is the
// attribute that names it.
type TLSFileError struct {
	Range hcl.Range
	Msg   string
}

func (e *TLSFileError) Error() string { return e.Msg }

// LoadFiles reads and parses t's files, as a run uses them and validate
// checks them: the pool of ca_file's certificates (nil without ca_file) and
// the client certificate of cert_file and key_file (nil without them). A
// file that cannot be read, is not a regular file or is larger than
// maxTLSFileSize, or does not parse, is a *TLSFileError.
func (t *TLS) LoadFiles() (*x509.CertPool, *tls.Certificate, error) {
	var pool *x509.CertPool
	if t.CAFile != "" {
		pem, err := readInput(t.CAFile, "TLS file", maxTLSFileSize)
		if err != nil {
			return nil, nil, &TLSFileError{t.CAFileRange, fmt.Sprintf("tls ca_file: %v", err)}
		}
		pool = x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, &TLSFileError{t.CAFileRange, fmt.Sprintf("tls ca_file %s: no PEM certificate found", t.CAFile)}
		}
	}
	if t.CertFile == "" && t.KeyFile == "" {
		return pool, nil, nil
	}
	cert, err := readInput(t.CertFile, "TLS file", maxTLSFileSize)
	if err != nil {
		return nil, nil, &TLSFileError{t.CertFileRange, fmt.Sprintf("tls cert_file/key_file: %v", err)}
	}
	key, err := readInput(t.KeyFile, "TLS file", maxTLSFileSize)
	if err != nil {
		return nil, nil, &TLSFileError{t.KeyFileRange, fmt.Sprintf("tls cert_file/key_file: %v", err)}
	}
	pair, err := tls.X509KeyPair(cert, key)
	if err != nil {
		return nil, nil, &TLSFileError{t.CertFileRange, fmt.Sprintf("tls cert_file/key_file: %v", err)}
	}
	return pool, &pair, nil
}
