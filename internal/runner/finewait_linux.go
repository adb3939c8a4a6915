package runner

import (
	"syscall"
	"time"
)

// fineWait waits until deadline with nanosleep(2), which wakes within tens
// of microseconds (the kernel's timer slack), blocking the calling thread.
// It is for the last stretch of a wait only: see waitUntil.
func fineWait(deadline time.Time) {
	for {
		d := time.Until(deadline)
		if d <= 0 {
			return
		}
		ts := syscall.NsecToTimespec(int64(d))
		_ = syscall.Nanosleep(&ts, nil) // EINTR: the loop sleeps the rest
	}
}
