//go:build unix

package runner

import (
	"errors"
	"net"
	"syscall"
)

// peerClosed reports whether the server has closed (or reset) an idle
// connection, or sent something on it unasked, which leaves it unusable
// too. It reads without waiting: one syscall, nothing when the connection
// is fine.
func peerClosed(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	closed := false
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		n, rerr := syscall.Read(int(fd), buf[:])
		switch {
		case n > 0, n == 0 && rerr == nil: // data unasked, or EOF
			closed = true
		case rerr != nil:
			closed = !errors.Is(rerr, syscall.EAGAIN) && !errors.Is(rerr, syscall.EINTR)
		}
		return true // never wait for the fd to become readable
	})
	return closed || err != nil
}
