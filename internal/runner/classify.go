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
	"unicode"
	"unicode/utf8"

	"github.com/valyala/fasthttp"

	"github.com/harness-gpu/harness/internal/stream"
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
	var streamErr *stream.Error
	switch {
	case errors.As(err, &classed):
		return classed.errorClass()
	case errors.As(err, &streamErr):
		return ClassStream
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

// maxMessageBytes bounds an error message as a step keeps it (results file,
// reports, console): a server answering garbage would otherwise put
// kilobytes of it, control characters and all, into every message.
const maxMessageBytes = 200

// errMessage is err's message as kept: see messageText.
func errMessage(err error) string { return messageText(err.Error()) }

// messageText makes s one printable line of at most maxMessageBytes: runs
// of white space (newlines, tabs) become one space, other control or
// unprintable characters and invalid UTF-8 become '?', and a longer text is
// cut between characters and ends in "…".
func messageText(s string) string {
	var b strings.Builder
	space := false
	for i := 0; i < len(s) && b.Len() <= maxMessageBytes; {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case r == utf8.RuneError && size == 1, !unicode.IsPrint(r):
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
		space = false
	}
	out := b.String()
	if len(out) <= maxMessageBytes {
		return out
	}
	cut := maxMessageBytes - len("…")
	for !utf8.RuneStart(out[cut]) {
		cut--
	}
	return out[:cut] + "…"
}
