package runner

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/kserve/pb"
)

// checkMessage fails unless msg is what an error message may be once kept:
// at most maxMessageBytes, valid UTF-8, one line of printable characters.
func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if len(msg) > maxMessageBytes {
		t.Errorf("message of %d bytes, want at most %d: %.80q…", len(msg), maxMessageBytes, msg)
	}
	if !utf8.ValidString(msg) {
		t.Errorf("message not valid UTF-8: %q", msg)
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			t.Errorf("message holds %U: %q", r, msg)
			break
		}
	}
}

func TestMessageText(t *testing.T) {
	long := strings.Repeat("é", 300) // 2 bytes each: the cut must fall between runes
	for _, tc := range []struct{ in, want string }{
		{"plain error", "plain error"},
		{"two\nlines\r\n\tand a tab", "two lines and a tab"},
		{"bell\a nul\x00 esc\x1b[31m", "bell? nul? esc?[31m"},
		{"bad \xff\xfe utf8", "bad ?? utf8"},
		{"", ""},
		{long, strings.Repeat("é", (maxMessageBytes-len("…"))/2) + "…"},
	} {
		got := messageText(tc.in)
		if got != tc.want {
			t.Errorf("messageText(%.40q) = %q, want %q", tc.in, got, tc.want)
		}
		checkMessage(t, got)
	}
}

// garbageServer answers every connection with n bytes of noise: control
// characters, newlines, invalid UTF-8.
func garbageServer(t *testing.T, n int) string {
	t.Helper()
	noise := make([]byte, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range noise {
		noise[i] = byte(rng.IntN(256))
	}
	return acceptLoop(t, listen(t), func(conn net.Conn) {
		buf := make([]byte, 4096)
		_, _ = conn.Read(buf)
		_, _ = conn.Write(noise)
		_, _ = io.Copy(io.Discard, conn)
	})
}

// A response of garbage gives each client's error a short, one-line,
// printable message, however much garbage there was.
func TestGarbageResponseMessageIsBounded(t *testing.T) {
	url := garbageServer(t, 12<<10)
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			tg := testTarget(url, func(t *dsl.Target) { t.Timeout = 2 * time.Second })
			c := kind.make(tg, 1)
			defer c.close()
			r := &Result{Scheduled: time.Now()}
			tg.do(c, r)
			if r.Class == "" || r.Err == "" {
				t.Fatalf("garbage answered: class %q, err %q", r.Class, r.Err)
			}
			checkMessage(t, r.Err)
		})
	}
}

// A health check that only ever gets garbage names it in a bounded message.
func TestHealthGarbageMessageIsBounded(t *testing.T) {
	url := garbageServer(t, 12<<10)
	err := CheckHealth(context.Background(), []*dsl.Health{{Name: "h", URL: url, Timeout: 300 * time.Millisecond, Interval: 100 * time.Millisecond}}, nil)
	if err == nil {
		t.Fatal("health passed on garbage")
	}
	msg := err.Error()
	_, last, _ := strings.Cut(msg, "not ready after 300ms: ")
	if last == "" {
		t.Fatalf("message %q names no last error", msg)
	}
	checkMessage(t, last)
}

// A stream's in-band error quotes the server; its message is bounded and
// printable like any other.
func TestStreamErrorMessageIsBounded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "event: error\ndata: bad\x01\x1b[31m"+strings.Repeat("x", 300)+"\n\n")
	}))
	defer srv.Close()
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			tg := testTarget(srv.URL, func(t *dsl.Target) { t.Stream = &dsl.Stream{Format: dsl.StreamOpenAI} })
			c := kind.make(tg, 1)
			defer c.close()
			r := &Result{Scheduled: time.Now()}
			tg.do(c, r)
			if r.Class != ClassStream {
				t.Fatalf("class %q (%s), want stream", r.Class, r.Err)
			}
			checkMessage(t, r.Err)
		})
	}
}

// garbageReadyServer answers ServerReady with an error whose message is
// long and full of control characters.
type garbageReadyServer struct {
	pb.UnimplementedGRPCInferenceServiceServer
}

func (garbageReadyServer) ServerReady(context.Context, *pb.ServerReadyRequest) (*pb.ServerReadyResponse, error) {
	return nil, status.Error(codes.Unavailable, "warming\x01\x1b[31m\n"+strings.Repeat("y", 400))
}

// A gRPC health check that only gets such errors names the last in a
// bounded message, as an HTTP one does.
func TestGRPCHealthMessageIsBounded(t *testing.T) {
	ln := listen(t)
	s := grpc.NewServer()
	pb.RegisterGRPCInferenceServiceServer(s, garbageReadyServer{})
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(s.Stop)
	h := &dsl.Health{Name: "g", URL: "grpc://" + ln.Addr().String(), Timeout: 300 * time.Millisecond, Interval: 50 * time.Millisecond}
	err := CheckHealth(t.Context(), []*dsl.Health{h}, nil)
	if err == nil {
		t.Fatal("health passed on errors")
	}
	_, last, _ := strings.Cut(err.Error(), "not ready after 300ms: ")
	if last == "" {
		t.Fatalf("message %q names no last error", err)
	}
	checkMessage(t, last)
}
