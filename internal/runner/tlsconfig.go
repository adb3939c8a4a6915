package runner

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
)

// tlsConfig builds the client TLS configuration of a target or health check.
// ca_file is trusted with verification left on; cert_file/key_file give a
// client certificate for mutual TLS (both read by dsl.TLS.LoadFiles, as
// validate checks them; the paths are absolute from the load);
// insecure_skip_verify is honoured only when written, with a warning. A file
// that can't be read or parsed is the user's to fix, so the error carries
// exitcode.Usage. nil t gives nil (Go defaults).
func tlsConfig(t *dsl.TLS, owner string, logf func(string, ...any)) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	pool, cert, err := t.LoadFiles()
	if err != nil {
		return nil, exitcode.Wrap(exitcode.Usage, fmt.Errorf("%s: %w", owner, err))
	}
	cfg := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12, RootCAs: pool}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	if t.InsecureSkipVerify {
		cfg.InsecureSkipVerify = true
		logf("warning: %s: insecure_skip_verify = true: the server's certificate is not verified", owner)
	}
	return cfg, nil
}

// tlsPortHint is said of an http:// URL whose server speaks TLS.
const tlsPortHint = "this looks like a TLS server: use https://"

// plainURLAtTLSPort reports whether u is an http:// URL whose server
// answers a TLS ClientHello: the explanation of a plain request there that
// was reset, answered with garbage (a TLS alert) or with a 400 (net/http's
// answer to plain HTTP at a TLS port). It makes one connection, bounded by
// ctx, and sends nothing but the handshake.
func plainURLAtTLSPort(ctx context.Context, dialer *net.Dialer, u *url.URL) bool {
	if u == nil || u.Scheme != "http" {
		return false
	}
	d := tls.Dialer{NetDialer: dialer, Config: &tls.Config{
		// Only whether the port speaks TLS is asked: no certificate is
		// trusted for anything, and nothing is sent over the connection.
		InsecureSkipVerify: true, //nolint:gosec
		ServerName:         u.Hostname(),
	}}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err == nil {
		conn.Close()
		return true
	}
	// A TLS server that refuses this handshake still says so in TLS: an
	// alert, which crypto/tls reports as a "remote error".
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "remote error"
}
