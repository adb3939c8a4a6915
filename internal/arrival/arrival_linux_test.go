package arrival

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TestReaderTimesBytesWhenTheyArrived: bytes that waited 20 ms in the
// socket are timed when they arrived, not when they were read; the reader
// reads as net.Conn does (the bytes, then io.EOF), keeps a deadline's error,
// and Forget drops the time.
func TestReaderTimesBytesWhenTheyArrived(t *testing.T) {
	const waited = 20 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	written := make(chan time.Time, 1)
	ready := make(chan struct{}) // the option is set: a packet before it has no stamp
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		<-ready
		_, _ = c.Write([]byte("hello"))
		written <- time.Now()
		time.Sleep(4 * waited)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := New(c)
	if r == nil {
		t.Fatal("no arrival reader for a loopback TCP connection on Linux")
	}
	if _, ok := r.Arrival(); ok {
		t.Fatal("an arrival before any read")
	}
	// The kernel turns stamping on for the first socket that asks in a
	// deferred work item, and leaves packets unstamped (timed at their
	// read) until it has run.
	time.Sleep(100 * time.Millisecond)
	close(ready)
	at := <-written
	time.Sleep(waited)
	buf := make([]byte, 64)
	n, err := r.Read(buf)
	readAt := time.Now()
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	got, ok := r.Arrival()
	if !ok {
		t.Fatal("no arrival after a read")
	}
	// The kernel stamps the packet inside the writer's write, before the
	// writer's own reading after it.
	if d := got.Sub(at); d < -waited/4 || d > waited/4 {
		t.Errorf("timed %v after the write, want within ±%v (read %v after it)", d, waited/4, readAt.Sub(at))
	}
	r.Forget()
	if _, ok := r.Arrival(); ok {
		t.Error("an arrival after Forget")
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
	if _, err := r.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("read past the deadline: %v, want os.ErrDeadlineExceeded", err)
	}
	var ne net.Error
	if _, err := r.Read(buf); !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("read past the deadline: %v, want a net.Error that is a timeout", err)
	}
	_ = c.SetReadDeadline(time.Time{})
	if n, err := r.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("read at the end: %d, %v; want 0, io.EOF", n, err)
	}
}

func cmsgOf(level, typ int32, data []byte) []byte {
	b := make([]byte, unix.CmsgSpace(len(data)))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return b
}

func timespec64(t time.Time) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint64(b[0:8], uint64(t.Unix()))
	binary.NativeEndian.PutUint64(b[8:16], uint64(t.Nanosecond()))
	return b
}

func timespec32(t time.Time) []byte {
	b := make([]byte, 8)
	binary.NativeEndian.PutUint32(b[0:4], uint32(t.Unix()))
	binary.NativeEndian.PutUint32(b[4:8], uint32(t.Nanosecond()))
	return b
}

// TestKernelArrival reads the kernel's timestamp message onto the
// monotonic clock, and falls back to the read's own time when there is
// none or it cannot be right.
func TestKernelArrival(t *testing.T) {
	now := time.Now()
	ago := now.Add(-3 * time.Millisecond)
	other := cmsgOf(unix.SOL_SOCKET, unix.SCM_RIGHTS, []byte{1, 0, 0, 0})
	for _, tc := range []struct {
		name string
		oob  []byte
		want time.Duration // before now
	}{
		{"none", nil, 0},
		{"64-bit timespec", cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec64(ago)), 3 * time.Millisecond},
		{"32-bit timespec", cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec32(ago)), 3 * time.Millisecond},
		{"after another message", append(other, cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec64(ago))...), 3 * time.Millisecond},
		{"in the future: the clock was set back", cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec64(now.Add(time.Second))), 0},
		{"an hour ago: the clock was set forward", cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec64(now.Add(-time.Hour))), 0},
		{"truncated", cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, []byte{1, 2, 3})[:10], 0},
		{"another level", cmsgOf(unix.SOL_IP, unix.SCM_TIMESTAMPNS, timespec64(ago)), 0},
	} {
		got := kernelArrival(tc.oob, now)
		if d := now.Sub(got); d != tc.want {
			t.Errorf("%s: arrival %v before the read, want %v", tc.name, d, tc.want)
		}
	}
}

// FuzzKernelArrival: any control bytes give a time no later than the read
// and no earlier than maxArrivalDelay before it.
func FuzzKernelArrival(f *testing.F) {
	f.Add(cmsgOf(unix.SOL_SOCKET, unix.SCM_TIMESTAMPNS, timespec64(time.Now())))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, oob []byte) {
		now := time.Now()
		got := kernelArrival(oob, now)
		if got.After(now) || now.Sub(got) > maxArrivalDelay {
			t.Fatalf("arrival %v from the read", got.Sub(now))
		}
	})
}

// TestNotTCP: a connection that is not TCP has no arrival reader.
func TestNotTCP(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if New(a) != nil {
		t.Error("an arrival reader for a pipe")
	}
	c := WrapConn(a)
	if _, ok := c.Arrival(); ok {
		t.Error("an arrival from a pipe")
	}
}
