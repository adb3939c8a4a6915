// Package arrival reads a TCP connection and tells when the bytes of each
// read reached the machine, from the kernel's receive timestamp, rather
// than when a busy process got round to reading them. A stream target's
// meter times its chunks with it (docs/conditions.md, `stream`): neither
// the Go scheduler's delay in waking a reader nor a loaded machine then adds
// to a measured time to first token.
//
// Linux stamps each packet as it is received and gives a read the time of
// the last packet it took. Packets that wait together in a socket are
// merged and keep the newest time, so a reader that fell a whole token
// behind (the first token and the second both waiting) times both at the
// second's arrival: still no later than the read. The kernel turns stamping
// on when the first socket asks, in deferred work, so a packet in the first
// moments after can come unstamped and is timed at its read. Elsewhere, and
// where the kernel refuses the option, New returns nil and callers take
// the time of the read.
package arrival

import (
	"io"
	"net"
	"time"
)

// Reader reads one connection, in place of its Read, and keeps the arrival
// time of the last read. Reads are for one goroutine at a time, as a
// connection's are; Arrival and Forget may be called from any.
type Reader interface {
	io.Reader
	// Arrival is when the bytes of the last read arrived, on the monotonic
	// clock of time.Now; ok is false before a read since Forget.
	Arrival() (at time.Time, ok bool)
	// Forget drops the last arrival, so that the next exchange on the
	// connection is timed by its own reads only.
	Forget()
}

// Conn is a connection whose reads go through a Reader.
type Conn struct {
	net.Conn
	r Reader
}

// WrapConn is c reading through New(c); c as it is, in a Conn that knows no
// arrivals, where New gives nil.
func WrapConn(c net.Conn) *Conn { return &Conn{Conn: c, r: New(c)} }

func (c *Conn) Read(p []byte) (int, error) {
	if c.r == nil {
		return c.Conn.Read(p)
	}
	return c.r.Read(p)
}

// Arrival is the last read's arrival (see Reader).
func (c *Conn) Arrival() (time.Time, bool) {
	if c.r == nil {
		return time.Time{}, false
	}
	return c.r.Arrival()
}
