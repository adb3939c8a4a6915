package stream

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// FuzzParser feeds hostile bytes whole and split at an arbitrary point: the
// parser never panics, splitting a read never changes the events, and the
// meter over the same bytes never panics either.
func FuzzParser(f *testing.F) {
	f.Add([]byte("data: a\r\n\r\ndata: b\rdata\r\r: c\nevent: error\ndata: {}\n\n"), uint16(3))
	f.Add([]byte(roleChunk+chunkJSON("a", 1)+usageChunk+done), uint16(40))
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sse"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(len(b)/3))
	}
	f.Fuzz(func(t *testing.T, b []byte, cut uint16) {
		split := int(cut) % (len(b) + 1)
		whole, errWhole := events(b, len(b))
		parts, errParts := events(b, split)
		if (errWhole == nil) != (errParts == nil) || !reflect.DeepEqual(whole, parts) {
			t.Fatalf("split at %d changed the events:\nwhole %+v %v\nsplit %+v %v", split, whole, errWhole, parts, errParts)
		}
		for _, format := range Formats {
			m := NewMeter(format)
			m.Reset(t0)
			m.Feed(b[:split], t0.Add(time.Millisecond))
			m.Feed(b[split:], t0.Add(2*time.Millisecond))
			_ = m.Finish()
			s := m.Stats(func(raw, _ time.Duration) {
				if raw < 0 {
					t.Fatalf("negative gap %v", raw)
				}
			})
			if s.HasOutput && s.TTFT < 0 {
				t.Fatalf("negative ttft %v", s.TTFT)
			}
		}
	})
}

func events(b []byte, split int) ([]gotEvent, error) {
	var got []gotEvent
	p := NewParser(func(e Event) error {
		got = append(got, gotEvent{Name: e.Name, Data: string(e.Data)})
		return nil
	})
	if err := p.Feed(b[:split], t0); err != nil {
		return got, err
	}
	return got, p.Feed(b[split:], t0)
}
