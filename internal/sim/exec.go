package sim

import "time"

// execute runs one batch on model instance inst: copy inputs in, run the
// kernel on the shared engine (after the kernels submitted before it), copy
// outputs back, then record Triton's statistics and answer every request.
//
// The phases are laid out on the wall clock from the moment the batch could
// start: when it was formed, or when this instance finished its previous
// batch, whichever is later. The goroutine then sleeps until the end of each
// phase. A goroutine that the host wakes late therefore delays its own
// answer but not the simulated GPU, whose capacity stays the profile's
// even on a loaded two-core machine.
func (s *Server) execute(inst int, batch []*request, formed time.Time) {
	n := len(batch)
	in, infer, out := s.p.batchTimes(n)
	if s.dice.hit(s.cfg.Faults.SpikeRate) {
		infer += s.cfg.Faults.Spike
	}
	start := earlier(later(formed, s.instFree[inst]), time.Now())
	// A batch cannot start before its newest request arrived: a batch formed
	// at its queue-delay deadline may pick up requests enqueued a moment after
	// that nominal time, and their queue time must not go negative.
	for _, r := range batch {
		start = later(start, r.enq)
	}
	s.stats.addExec()
	s.gpu.addItems(n)
	inputDone := start.Add(in)
	inferDone := s.gpu.submit(inputDone, infer)
	end := inferDone.Add(out)
	ok := s.sleep(time.Until(end))
	s.gpu.addItems(-n)
	s.instFree[inst] = end
	for _, r := range batch {
		o := outcome{
			queue: start.Sub(r.enq), input: in,
			infer: inferDone.Sub(inputDone), output: out,
		}
		switch {
		case !ok:
			o.err = errShutdown
		case r.fail:
			o.err = errBackend
			s.stats.addFailure("BACKEND")
		default:
			s.stats.addSuccess(o, end.Sub(r.enq))
		}
		r.done <- o
	}
}

// sleep waits d on a real timer; false if the server closed first.
func (s *Server) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}
