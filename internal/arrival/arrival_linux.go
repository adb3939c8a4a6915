package arrival

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// reader is the Linux Reader: recvmsg with SO_TIMESTAMPNS.
type reader struct {
	conn *net.TCPConn
	rc   syscall.RawConn
	recv func(fd uintptr) bool // made once: a closure per read would allocate

	// The current recvmsg's message and results: kept here, so that a read
	// allocates nothing (unix.Recvmsg allocates an address each call).
	msg   unix.Msghdr
	iov   unix.Iovec
	oob   [64]byte
	n     int
	errno unix.Errno

	mu sync.Mutex
	at time.Time // the last read's arrival; zero before a read since Forget
}

// New is c's Reader, or nil when c is not a TCP connection or the kernel
// refuses the timestamp option.
func New(c net.Conn) Reader {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	}); err != nil || serr != nil {
		return nil
	}
	a := &reader{conn: tc, rc: rc}
	a.msg.Iov = &a.iov
	a.msg.SetIovlen(1)
	a.msg.Control = &a.oob[0]
	a.recv = func(fd uintptr) bool {
		for {
			a.msg.SetControllen(len(a.oob))
			n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&a.msg)), 0)
			a.n, a.errno = int(n), errno
			// Retried at once, as the os package does: waiting for the
			// socket to become readable again could miss data already there.
			if errno != unix.EINTR {
				return errno != unix.EAGAIN // EAGAIN: wait until it is readable
			}
		}
	}
	return a
}

// Read is net.Conn's Read, with the same errors.
func (a *reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	a.iov.Base = &p[0]
	a.iov.SetLen(len(p))
	err := a.rc.Read(a.recv)
	now := time.Now()
	a.iov.Base = nil
	if err == nil && a.errno != 0 {
		err = os.NewSyscallError("recvmsg", a.errno)
	}
	if err != nil {
		return 0, &net.OpError{Op: "read", Net: "tcp", Source: a.conn.LocalAddr(), Addr: a.conn.RemoteAddr(), Err: err}
	}
	if a.n <= 0 {
		return 0, io.EOF
	}
	at := kernelArrival(a.control(), now)
	a.mu.Lock()
	a.at = at
	a.mu.Unlock()
	return a.n, nil
}

func (a *reader) control() []byte {
	return a.oob[:min(int(a.msg.Controllen), len(a.oob))]
}

// maxArrivalDelay bounds how long before a read its bytes may have
// arrived: a larger gap is the wall clock having been set in between (the
// kernel stamps wall-clock time), and the read's own time is taken instead.
const maxArrivalDelay = time.Minute

// kernelArrival converts the SCM_TIMESTAMPNS message in oob, a wall-clock
// time, to a time on now's monotonic clock; now when there is none or it is
// implausible.
func kernelArrival(oob []byte, now time.Time) time.Time {
	for len(oob) > 0 {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return now
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMPNS {
			// A struct timespec: two longs, 32-bit on 32-bit Linux.
			var sec, nsec int64
			switch {
			case len(data) >= 16:
				sec, nsec = int64(binary.NativeEndian.Uint64(data[0:8])), int64(binary.NativeEndian.Uint64(data[8:16]))
			case len(data) >= 8:
				sec, nsec = int64(int32(binary.NativeEndian.Uint32(data[0:4]))), int64(int32(binary.NativeEndian.Uint32(data[4:8])))
			default:
				return now
			}
			delay := time.Duration(now.UnixNano() - (sec*1e9 + nsec))
			if delay < 0 || delay > maxArrivalDelay {
				return now
			}
			return now.Add(-delay)
		}
		oob = rest
	}
	return now
}

// Forget drops the last arrival (Reader).
func (a *reader) Forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.at = time.Time{}
}

// Arrival is the last read's arrival (Reader).
func (a *reader) Arrival() (time.Time, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.at, !a.at.IsZero()
}
