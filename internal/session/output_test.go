package session

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// openFIFO makes a FIFO at path and opens it read-write, which does not wait
// for a writer (and keeps it from ever seeing EOF): the test reads what
// WriteOutput wrote with a deadline.
func openFIFO(t *testing.T, path string) *os.File {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readFor reads from r until it has n bytes or a second has passed.
func readFor(t *testing.T, r *os.File, n int) string {
	t.Helper()
	if err := r.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, n)
	got, err := io.ReadFull(r, buf)
	if err != nil {
		t.Errorf("reading the FIFO: %v (read %q)", err, buf[:got])
	}
	return string(buf[:got])
}

// A special file at an output path is written through, never replaced: the
// FIFO (directly or behind a symlink) stays a FIFO and its reader gets the
// bytes.
func TestWriteOutputSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	const data = `{"schema":"x"}` + "\n"

	fifo := filepath.Join(dir, "fifo")
	r := openFIFO(t, fifo)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link} {
		if err := WriteOutput(path, writeString(data)); err != nil {
			t.Fatalf("WriteOutput(%s): %v", path, err)
		}
		if got := readFor(t, r, len(data)); got != data {
			t.Errorf("%s: the reader got %q, want %q", path, got, data)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v, %v", fifo, fi.Mode(), err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symlink: %v, %v", link, fi.Mode(), err)
	}
}

// /dev/null at an output path stays the device.
func TestWriteOutputDevNull(t *testing.T) {
	if err := WriteOutput(os.DevNull, writeString("x")); err != nil {
		t.Fatalf("WriteOutput(%s): %v", os.DevNull, err)
	}
	if fi, err := os.Lstat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a character device: %v, %v", os.DevNull, fi.Mode(), err)
	}
}

// A regular path is written atomically: content replaced, its directory
// created, no temporary file left.
func TestWriteOutputRegular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.json")
	for _, data := range []string{"first\n", "second\n"} {
		if err := WriteOutput(path, writeString(data)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(path); err != nil || string(got) != data {
			t.Errorf("read back %q, %v; want %q", got, err, data)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only out.json", len(entries))
	}
}

// A device that refuses the write (/dev/full) is an error naming the path.
func TestWriteOutputDeviceError(t *testing.T) {
	const full = "/dev/full"
	if fi, err := os.Stat(full); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skip("no /dev/full here")
	}
	err := WriteOutput(full, writeString("x"))
	if err == nil || !strings.HasPrefix(err.Error(), full+": ") {
		t.Errorf("WriteOutput(%s) = %v, want an error naming it", full, err)
	}
}

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	if err := os.WriteFile(aFile, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o500); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		wantErr    string // "" = no error
		skipRoot   bool   // root writes anywhere
	}{
		{name: "stdout", path: "-"},
		{name: "new file", path: filepath.Join(dir, "out.json")},
		{name: "new directories", path: filepath.Join(dir, "x", "y", "out.json")},
		{name: "existing file", path: aFile},
		{name: "device", path: os.DevNull},
		{name: "FIFO without a reader", path: fifo},
		{name: "directory", path: dir, wantErr: dir + " is a directory"},
		{name: "under a file", path: filepath.Join(aFile, "out.json"), wantErr: filepath.Join(aFile, "out.json") + ": not a directory"},
		{name: "read-only directory", path: filepath.Join(readOnly, "out.json"), wantErr: filepath.Join(readOnly, "out.json") + ": permission denied", skipRoot: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skipRoot && os.Geteuid() == 0 {
				t.Skip("root may write anywhere")
			}
			done := make(chan error, 1)
			go func() { done <- CheckOutput(tc.path) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("CheckOutput(%s) still blocked after 5 s", tc.path)
			}
			if got := errText(err); got != tc.wantErr {
				t.Errorf("CheckOutput(%s) = %q, want %q", tc.path, got, tc.wantErr)
			}
		})
	}
	if !bytes.Equal(mustRead(t, aFile), []byte("x")) {
		t.Error("CheckOutput changed an existing file")
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") {
			t.Errorf("CheckOutput left %s behind", path)
		}
		return nil
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
