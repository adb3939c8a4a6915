package runner

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/result"
)

// testCA is a throwaway certificate authority that signs server and client
// certificates for the TLS tests, written as PEM files into dir.
type testCA struct {
	t    *testing.T
	dir  string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
	next int64
}

func newTestCA(t *testing.T, dir string) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "harness test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	ca := &testCA{t: t, dir: dir, cert: cert, key: key, pool: x509.NewCertPool(), next: 2}
	ca.pool.AddCert(cert)
	writePEM(t, filepath.Join(dir, "ca.pem"), "CERTIFICATE", der)
	return ca
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// issue signs a leaf certificate (server when usage is ServerAuth, client
// when ClientAuth) and writes name.pem and name-key.pem; it returns the pair
// for an httptest server's config.
func (ca *testCA) issue(name, cn string, usage x509.ExtKeyUsage, dnsNames []string, ips []net.IP) tls.Certificate {
	t := ca.t
	t.Helper()
	key := newKey(t)
	ca.next++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(ca.next),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     dnsNames,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, filepath.Join(ca.dir, name+".pem"), "CERTIFICATE", der)
	writePEM(t, filepath.Join(ca.dir, name+"-key.pem"), "PRIVATE KEY", keyDER)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// tlsServer is an HTTPS server on 127.0.0.1 that records the common names
// of the client certificates it saw.
type tlsServer struct {
	*httptest.Server
	mu  sync.Mutex
	cns map[string]int
}

func newTLSServer(t *testing.T, cert tls.Certificate, clientCAs *x509.CertPool) *tlsServer {
	t.Helper()
	ts := &tlsServer{cns: map[string]int{}}
	ts.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		ts.mu.Lock()
		ts.cns[cn]++
		ts.mu.Unlock()
	}))
	ts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	if clientCAs != nil {
		ts.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		ts.TLS.ClientCAs = clientCAs
	}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	ts.StartTLS()
	t.Cleanup(ts.Close)
	return ts
}

func (ts *tlsServer) served() map[string]int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	out := make(map[string]int, len(ts.cns))
	for k, v := range ts.cns {
		out[k] = v
	}
	return out
}

// runTLS runs a short closed-model step against url with the given tls
// block, resolving its relative paths against dir as a scenario file would.
func runTLS(t *testing.T, url, dir string, tb *dsl.TLS) result.Step {
	t.Helper()
	s := scenario(url, &dsl.Step{Name: "s", Users: 1, Pace: 100 * time.Millisecond, Duration: 500 * time.Millisecond})
	s.File = filepath.Join(dir, "scenario.hcl")
	s.Targets[0].TLS = inDir(dir, tb)
	return run(t, context.Background(), s, Options{}).Steps[0]
}

// inDir makes tb's file paths absolute in dir, as the loader makes them
// against the scenario's directory.
func inDir(dir string, tb *dsl.TLS) *dsl.TLS {
	for _, p := range []*string{&tb.CAFile, &tb.CertFile, &tb.KeyFile} {
		if *p != "" {
			*p = filepath.Join(dir, *p)
		}
	}
	return tb
}

// checkTLSOutcome checks that every request succeeded (ok) or that every
// request failed in class tls.
func checkTLSOutcome(t *testing.T, name string, st result.Step, ok bool) {
	t.Helper()
	if st.Requests.Total == 0 {
		t.Errorf("%s: no request sent", name)
		return
	}
	if ok && (st.Requests.OK != st.Requests.Total || st.Requests.Failed != 0) {
		t.Errorf("%s: want every request ok: %+v %v", name, st.Requests, st.Errors)
	}
	if !ok && (st.Requests.OK != 0 || st.Errors[ClassTLS].Count != st.Requests.Total) {
		t.Errorf("%s: want every request failed as tls: %+v %v", name, st.Requests, st.Errors)
	}
}

// Mutual TLS: with cert_file/key_file the server, which requires and
// verifies client certificates, serves every request and sees the client's
// CN; without them every request fails in class tls.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newTestCA(t, dir)
	srvCert := ca.issue("server", "server", x509.ExtKeyUsageServerAuth, nil, []net.IP{net.ParseIP("127.0.0.1")})
	ca.issue("client", "harness-client", x509.ExtKeyUsageClientAuth, nil, nil)
	srv := newTLSServer(t, srvCert, ca.pool)

	st := runTLS(t, srv.URL, dir, &dsl.TLS{CAFile: "ca.pem", CertFile: "client.pem", KeyFile: "client-key.pem"})
	checkTLSOutcome(t, "with client cert", st, true)
	withCert := int(st.Requests.OK)
	if got := srv.served(); got["harness-client"] != withCert || len(got) != 1 {
		t.Errorf("server saw client CNs %v, want harness-client ×%d", got, withCert)
	}

	// The server rejects the handshake with a "certificate required" alert,
	// which the client reads as a tls error, not a reset.
	st = runTLS(t, srv.URL, dir, &dsl.TLS{CAFile: "ca.pem"})
	checkTLSOutcome(t, "without client cert", st, false)
	if got := srv.served(); got["harness-client"] != withCert || len(got) != 1 {
		t.Errorf("a request without a client certificate was served: %v", got)
	}
}

// A client certificate without a readable key (missing key_file, a key file
// that does not exist, or a key that is not PEM) stops Run before anything
// is sent, as a usage error.
func TestMutualTLSBadKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newTestCA(t, dir)
	srvCert := ca.issue("server", "server", x509.ExtKeyUsageServerAuth, nil, []net.IP{net.ParseIP("127.0.0.1")})
	ca.issue("client", "harness-client", x509.ExtKeyUsageClientAuth, nil, nil)
	if err := os.WriteFile(filepath.Join(dir, "garbage-key.pem"), []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := newTLSServer(t, srvCert, ca.pool)
	for _, tc := range []struct {
		name string
		tls  *dsl.TLS
	}{
		{"no key_file", &dsl.TLS{CAFile: "ca.pem", CertFile: "client.pem"}},
		{"no cert_file", &dsl.TLS{CAFile: "ca.pem", KeyFile: "client-key.pem"}},
		{"missing key", &dsl.TLS{CAFile: "ca.pem", CertFile: "client.pem", KeyFile: "absent-key.pem"}},
		{"garbage key", &dsl.TLS{CAFile: "ca.pem", CertFile: "client.pem", KeyFile: "garbage-key.pem"}},
		{"mismatched key", &dsl.TLS{CAFile: "ca.pem", CertFile: "client.pem", KeyFile: "server-key.pem"}},
	} {
		s := scenario(srv.URL, &dsl.Step{Name: "s", Users: 1, Duration: time.Second})
		s.File = filepath.Join(dir, "scenario.hcl")
		s.Targets[0].TLS = inDir(dir, tc.tls)
		f, err := Run(context.Background(), s, buildPlan(s), Options{})
		if exitcode.Of(err) != exitcode.Usage {
			t.Errorf("%s: err = %v (code %d), want a usage error", tc.name, err, exitcode.Of(err))
		}
		if f != nil && len(f.Steps) > 0 && f.Steps[0].Requests.Total != 0 {
			t.Errorf("%s: %d requests sent", tc.name, f.Steps[0].Requests.Total)
		}
	}
	if got := srv.served(); len(got) != 0 {
		t.Errorf("the server served %v", got)
	}
}

// server_name verifies a server whose certificate names only "harness.test"
// while the URL dials 127.0.0.1; without it the name check fails (class tls).
func TestTLSServerName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := newTestCA(t, dir)
	srvCert := ca.issue("server", "harness.test", x509.ExtKeyUsageServerAuth, []string{"harness.test"}, nil)
	srv := newTLSServer(t, srvCert, nil)

	st := runTLS(t, srv.URL, dir, &dsl.TLS{CAFile: "ca.pem", ServerName: "harness.test"})
	checkTLSOutcome(t, "with server_name", st, true)
	served := srv.served()[""]
	if served != int(st.Requests.OK) {
		t.Errorf("server served %d, runner counted %d ok", served, st.Requests.OK)
	}

	st = runTLS(t, srv.URL, dir, &dsl.TLS{CAFile: "ca.pem"})
	checkTLSOutcome(t, "without server_name", st, false)
	if got := srv.served()[""]; got != served {
		t.Errorf("server served %d requests without server_name", got-served)
	}
}
