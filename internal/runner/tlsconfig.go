package runner

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// tlsConfig builds the client TLS configuration of a target or health check.
// ca_file is trusted with verification left on; cert_file/key_file give a
// client certificate for mutual TLS; insecure_skip_verify is honoured only
// when written, with a warning. Relative paths resolve against baseDir (the
// scenario's directory). A file that can't be read or parsed is the user's
// to fix, so the error carries exitcode.Usage. nil t gives nil (Go defaults).
func tlsConfig(t *dsl.TLS, baseDir, owner string, logf func(string, ...any)) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	cfg := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(resolve(baseDir, t.CAFile))
		if err != nil {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("%s: tls ca_file: %w", owner, err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("%s: tls ca_file %s: no PEM certificate found", owner, t.CAFile))
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(resolve(baseDir, t.CertFile), resolve(baseDir, t.KeyFile))
		if err != nil {
			return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("%s: tls cert_file/key_file: %w", owner, err))
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if t.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true
		logf("warning: %s: insecure_skip_verify = true: the server's certificate is not verified", owner)
	}
	return cfg, nil
}

func resolve(baseDir, p string) string {
	if p == "" || filepath.IsAbs(p) || baseDir == "" {
		return p
	}
	return filepath.Join(baseDir, p)
}
