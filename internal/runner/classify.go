package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/valyala/fasthttp"
)

// Error classes of docs/results.md (`errors` in a step).
const (
	ClassTimeout = "timeout"
	ClassRefused = "refused"
	ClassReset   = "reset"
	ClassTLS     = "tls"
	ClassDNS     = "dns"
	ClassStatus  = "status"  // a response whose status is not expected
	ClassExtract = "extract" // an extraction miss; the request itself still counts as ok
	ClassOther   = "other"
)

// classify maps a transport error to its class. The order matters: a TLS
// handshake that timed out is a timeout, a refused dial wrapped in url.Error
// and net.OpError is still refused.
func classify(err error) string {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	var recErr tls.RecordHeaderError
	var alertErr tls.AlertError
	// Any error that says it is a timeout: net.Error and fasthttp.ErrTimeout
	// (which is no net.Error) alike.
	var timeoutErr interface{ Timeout() bool }
	var classed interface{ errorClass() string } // a gRPC status (kserve.go)
	switch {
	case errors.As(err, &classed):
		return classed.errorClass()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeoutErr) && timeoutErr.Timeout(),
		errors.Is(err, fasthttp.ErrDialTimeout):
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.Is(err, syscall.ECONNREFUSED):
		return ClassRefused
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr),
		errors.As(err, &invalidErr), errors.As(err, &recErr), errors.As(err, &alertErr):
		return ClassTLS
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, fasthttp.ErrConnectionClosed):
		return ClassReset
	case strings.Contains(err.Error(), "tls:"):
		// crypto/tls reports some handshake failures as plain errors.
		return ClassTLS
	}
	return ClassOther
}
