//go:build !unix

package runner

import "net"

// peerCheck can't look at the socket without blocking here: a stale idle
// connection then shows as a read failure, retried only when the request is
// replayable.
type peerCheck struct{}

func newPeerCheck(net.Conn) *peerCheck { return nil }

func (*peerCheck) peerClosed() bool { return false }
