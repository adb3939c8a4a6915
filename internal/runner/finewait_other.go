//go:build !linux

package runner

import "time"

// fineWait waits until deadline. Only Linux gets the nanosleep(2) path; on
// other systems Go's own timer is used.
func fineWait(deadline time.Time) { time.Sleep(time.Until(deadline)) }
