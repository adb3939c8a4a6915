package stream

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type gotEvent struct {
	Name, Data string
	At         int // seconds after t0
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// collect feeds parts, part i arriving at t0+i s, and returns the events.
func collect(t *testing.T, parts ...string) []gotEvent {
	t.Helper()
	var got []gotEvent
	p := NewParser(func(e Event) error {
		got = append(got, gotEvent{e.Name, string(e.Data), int(e.At.Sub(t0) / time.Second)})
		return nil
	})
	for i, part := range parts {
		if err := p.Feed([]byte(part), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("Feed: %v", err)
		}
	}
	return got
}

func TestParserFraming(t *testing.T) {
	tests := []struct {
		name  string
		parts []string
		want  []gotEvent
	}{
		{"lf", []string{"data: a\n\ndata: b\n\n"}, []gotEvent{{"", "a", 0}, {"", "b", 0}}},
		{"crlf", []string{"data: a\r\n\r\ndata: b\r\n\r\n"}, []gotEvent{{"", "a", 0}, {"", "b", 0}}},
		{"cr", []string{"data: a\r\rdata: b\r\r"}, []gotEvent{{"", "a", 0}, {"", "b", 0}}},
		{"crlf split between reads", []string{"data: a\r", "\n\r", "\n"}, []gotEvent{{"", "a", 0}}},
		{"no space after colon", []string{"data:{}\n\n"}, []gotEvent{{"", "{}", 0}}},
		{"only one space stripped", []string{"data:  x\n\n"}, []gotEvent{{"", " x", 0}}},
		{"multi-line data joined", []string{"data: a\ndata: b\ndata\n\n"}, []gotEvent{{"", "a\nb\n", 0}}},
		{"comments ignored", []string{": keep-alive\n\n: x\ndata: a\n\n"}, []gotEvent{{"", "a", 0}}},
		{"event name", []string{"event: error\ndata: {}\n\ndata: b\n\n"}, []gotEvent{{"error", "{}", 0}, {"", "b", 0}}},
		{"unknown fields ignored", []string{"id: 7\nretry: 10\nfoo: bar\ndata: a\n\n"}, []gotEvent{{"", "a", 0}}},
		{"event without data not dispatched", []string{"event: ping\n\ndata: a\n\n"}, []gotEvent{{"", "a", 0}}},
		{"unterminated last event dropped", []string{"data: a\n\ndata: b\n"}, []gotEvent{{"", "a", 0}}},
		{"time is the first byte's", []string{"da", "ta: x", "\n", "\n"}, []gotEvent{{"", "x", 0}}},
		{"time of a later event", []string{"data: a\n\n", "", "data: b", "\n\n"}, []gotEvent{{"", "a", 0}, {"", "b", 2}}},
		{"token split mid-read", []string{`data: {"a":`, `1}` + "\n\n"}, []gotEvent{{"", `{"a":1}`, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, collect(t, tt.parts...)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParserEventTooLarge(t *testing.T) {
	p := NewParser(func(Event) error { return nil })
	line := "data: " + strings.Repeat("x", 64<<10) + "\n"
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = p.Feed([]byte(line), t0)
	}
	if !errors.Is(err, ErrEventTooLarge) {
		t.Fatalf("err = %v, want ErrEventTooLarge", err)
	}
}
