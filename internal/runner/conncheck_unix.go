//go:build unix

package runner

import (
	"errors"
	"net"
	"syscall"
)

// peerCheck looks at one connection's socket without waiting. It is made
// once per connection: the raw connection and the read callback would
// otherwise be allocated again for every request.
type peerCheck struct {
	rc     syscall.RawConn
	read   func(fd uintptr) bool
	closed bool
	buf    [1]byte
}

// newPeerCheck is c's check; nil when c has no socket to look at.
func newPeerCheck(c net.Conn) *peerCheck {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	p := &peerCheck{rc: rc}
	p.read = func(fd uintptr) bool {
		n, rerr := syscall.Read(int(fd), p.buf[:])
		switch {
		case n > 0, n == 0 && rerr == nil: // data unasked, or EOF
			p.closed = true
		case rerr != nil:
			p.closed = !errors.Is(rerr, syscall.EAGAIN) && !errors.Is(rerr, syscall.EINTR)
		}
		return true // never wait for the fd to become readable
	}
	return p
}

// peerClosed reports whether the server has closed (or reset) an idle
// connection, or sent something on it unasked, which leaves it unusable
// too. It reads without waiting: one syscall, nothing when the connection
// is fine.
func (p *peerCheck) peerClosed() bool {
	if p == nil {
		return false
	}
	p.closed = false
	err := p.rc.Read(p.read)
	return p.closed || err != nil
}
