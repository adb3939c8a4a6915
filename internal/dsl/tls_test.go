package dsl

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate and its key as PEM files in dir.
func selfSigned(t *testing.T, dir, name string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, name+".pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(dir, name+"-key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})))
}

// TestCheckFiles: the TLS files a run opens are checked as the run checks
// them, each problem on the attribute that names the file.
func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	selfSigned(t, dir, "a")
	selfSigned(t, dir, "b")
	writeFile(t, filepath.Join(dir, "junk.pem"), "not a certificate\n")
	fifo := mkfifo(t)
	tests := []struct {
		name, tls string
		want      string // "" = no diagnostic; else "line:col detail"
	}{
		{"good", `ca_file = "a.pem"
    cert_file = "b.pem"
    key_file = "b-key.pem"`, ""},
		{"missing ca", `ca_file = "nope.pem"`, `8:15 target "t": tls ca_file: open ` + dir + `/nope.pem: no such file or directory.`},
		{"not pem", `ca_file = "junk.pem"`, `8:15 target "t": tls ca_file ` + dir + `/junk.pem: no PEM certificate found.`},
		{"fifo", `ca_file = "` + fifo + `"`, `8:15 target "t": tls ca_file: ` + fifo + ` is a named pipe, not a regular file`},
		{"missing key", `cert_file = "a.pem"
    key_file = "nope.pem"`, `9:16 target "t": tls cert_file/key_file: open ` + dir + `/nope.pem: no such file or directory.`},
		{"mismatched key", `cert_file = "a.pem"
    key_file = "b-key.pem"`, `8:17 target "t": tls cert_file/key_file: tls: private key does not match public key.`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := base + "target \"t\" {\n  url = \"https://127.0.0.1:1/\"\n  tls {\n    " + tc.tls + "\n  }\n}\nstep \"s\" {\n  target = \"t\"\n  users = 1\n  duration = \"1s\"\n}\n"
			path := filepath.Join(dir, tc.name+".hcl")
			writeFile(t, path, src)
			s, diags := LoadFile(path, LoadOptions{Environ: noEnv})
			if diags.HasErrors() {
				t.Fatal(renderDiags(s, diags))
			}
			var got string
			within(t, func() {
				if d := CheckFiles(s); len(d) > 0 {
					got = fmt.Sprintf("%d:%d %s", d[0].Subject.Start.Line, d[0].Subject.Start.Column, d[0].Detail)
				}
			})
			if tc.want == "" && got != "" || tc.want != "" && !strings.HasPrefix(got, tc.want) {
				t.Errorf("CheckFiles = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTLSPathsAbsolute: a relative tls path is resolved against the
// scenario's directory once and made absolute, so that loading "sub/s.hcl"
// from the parent directory gives dir/sub/ca.pem, and a consumer that
// resolves relative paths against the scenario's directory again cannot
// turn it into sub/sub/ca.pem.
func TestTLSPathsAbsolute(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	selfSigned(t, sub, "ca")
	writeFile(t, filepath.Join(sub, "s.hcl"), base+"target \"t\" {\n  url = \"https://127.0.0.1:1/\"\n  tls { ca_file = \"ca.pem\" }\n}\nstep \"s\" {\n  target = \"t\"\n  users = 1\n  duration = \"1s\"\n}\n")
	t.Chdir(dir)
	s, diags := LoadFile(filepath.Join("sub", "s.hcl"), LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(renderDiags(s, diags))
	}
	if got, want := s.Targets[1].TLS.CAFile, filepath.Join(sub, "ca.pem"); got != want {
		t.Errorf("CAFile = %q, want %q", got, want)
	}
	if d := CheckFiles(s); len(d) > 0 {
		t.Errorf("CheckFiles: %v", d)
	}
}
