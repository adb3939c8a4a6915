// Package stream reads a streamed HTTP response body as it arrives and times
// it: Server-Sent Events framing (the WHATWG HTML Standard's event stream
// interpretation) and, for OpenAI-compatible servers, the meaning of each
// chunk (output text, usage, in-band errors, the [DONE] sentinel). What it
// measures per request (time to first token, time per output token,
// per-token inter-token latency, chunk gaps, token counts) is defined in
// docs/conditions.md under `stream`.
package stream

import (
	"bytes"
	"errors"
	"time"
)

// MaxEventBytes bounds one event (its field lines together): a server that
// never ends an event cannot make the reader hold an unbounded buffer.
const MaxEventBytes = 4 << 20

// ErrEventTooLarge is returned when an event grows past MaxEventBytes.
var ErrEventTooLarge = errors.New("an event is larger than 4 MiB")

// Event is one dispatched SSE event.
type Event struct {
	// Name is the `event:` field ("" when the event has none).
	Name string
	// Data is the `data:` lines joined with "\n". It aliases the parser's
	// buffer and is valid only until the handler returns.
	Data []byte
	// At is when the first byte of the event's first data line arrived.
	At time.Time
}

// Parser splits a byte stream into SSE events. Feed it the bytes of each
// read as they arrive, with the time they arrived; it calls the handler once
// per complete event (one that ended at a blank line). Lines end in "\n",
// "\r\n" or "\r"; comment lines (":…") and unknown fields are ignored; one
// space after a field's colon is stripped; an event with no data line is not
// dispatched, nor is one left unterminated at the end of the stream.
type Parser struct {
	handle func(Event) error

	line      []byte    // the current, unterminated line
	lineAt    time.Time // when the current line's first byte arrived
	afterCR   bool      // the last byte seen was "\r": a "\n" next belongs to it
	data      []byte
	hasData   bool
	name      []byte
	eventAt   time.Time
	eventSize int
}

// NewParser returns a parser that calls handle for every event; an error
// from handle stops the parse and is returned by Feed.
func NewParser(handle func(Event) error) *Parser {
	return &Parser{handle: handle}
}

// Reset readies the parser for a new stream, keeping its buffers, so that a
// parser reused request after request stops allocating.
func (ps *Parser) Reset() {
	*ps = Parser{handle: ps.handle, line: ps.line[:0], data: ps.data[:0], name: ps.name[:0]}
}

// Feed parses p, which arrived at at.
func (ps *Parser) Feed(p []byte, at time.Time) error {
	for len(p) > 0 {
		if ps.afterCR {
			ps.afterCR = false
			if p[0] == '\n' {
				p = p[1:]
				continue
			}
		}
		if len(ps.line) == 0 {
			ps.lineAt = at
		}
		i := bytes.IndexAny(p, "\r\n")
		if i < 0 {
			if err := ps.grow(len(p)); err != nil {
				return err
			}
			ps.line = append(ps.line, p...)
			return nil
		}
		if err := ps.grow(i); err != nil {
			return err
		}
		ps.line = append(ps.line, p[:i]...)
		ps.afterCR = p[i] == '\r'
		p = p[i+1:]
		err := ps.processLine(ps.line)
		ps.line = ps.line[:0]
		if err != nil {
			return err
		}
	}
	return nil
}

// grow accounts n more bytes to the current event.
func (ps *Parser) grow(n int) error {
	ps.eventSize += n
	if ps.eventSize > MaxEventBytes {
		return ErrEventTooLarge
	}
	return nil
}

func (ps *Parser) processLine(line []byte) error {
	if len(line) == 0 {
		return ps.dispatch()
	}
	if line[0] == ':' {
		return nil
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "data":
		if ps.hasData {
			ps.data = append(ps.data, '\n')
		} else {
			ps.eventAt = ps.lineAt
		}
		ps.data = append(ps.data, value...)
		ps.hasData = true
	case "event":
		ps.name = append(ps.name[:0], value...)
	}
	return nil
}

func (ps *Parser) dispatch() error {
	defer func() {
		ps.data, ps.name = ps.data[:0], ps.name[:0]
		ps.hasData, ps.eventSize = false, 0
	}()
	if !ps.hasData {
		return nil
	}
	return ps.handle(Event{Name: eventName(ps.name), Data: ps.data, At: ps.eventAt})
}

// eventName is name as a string, without allocating for the names streams
// send with every event.
func eventName(name []byte) string {
	switch string(name) {
	case "":
		return ""
	case "message":
		return "message"
	case "error":
		return "error"
	}
	return string(name)
}
