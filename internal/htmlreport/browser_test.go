package htmlreport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// chromium finds a Chromium binary: $HARNESS_CHROMIUM, else the usual names.
func chromium() string {
	if p := os.Getenv("HARNESS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestBrowser opens a generated two-run report in headless Chromium: the
// dumped DOM must hold the chart <svg>s and the assertion matrix, the log
// no console error, and a screenshot is written (also to
// $HARNESS_SCREENSHOT_DIR when set).
func TestBrowser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium not installed; .ci/run installs it (Debian package \"chromium\"; or set HARNESS_CHROMIUM)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(render(t, loadInputs(t, fixtures...))), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page
	dom, log := runChromium(t, bin, dir, "--dump-dom", url)
	checkConsole(t, log)
	if n := strings.Count(dom, `<svg class="chart"`); n != 11 {
		t.Errorf("DOM has %d chart <svg> elements, want 11", n)
	}
	for _, want := range []string{`<table class="matrix">`, "power_budget", "<figcaption>GPU temperature</figcaption>"} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}
	shot := filepath.Join(dir, "report.png")
	_, log = runChromium(t, bin, dir, "--screenshot="+shot, "--window-size=1280,4000", url)
	checkConsole(t, log)
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, log)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 50_000 {
		t.Errorf("screenshot is not a PNG of a drawn page (%d bytes)", len(png))
	}
	if out := os.Getenv("HARNESS_SCREENSHOT_DIR"); out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "report.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runChromium runs one headless Chromium command with its own profile and
// returns stdout and stderr (the log, with console messages).
func runChromium(t *testing.T, bin, dir string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
		"--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile")}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// checkConsole fails on any page console message or uncaught error that
// Chromium logged (lines like "INFO:CONSOLE(3)] ..." or "Uncaught ...").
func checkConsole(t *testing.T, log string) {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("browser console: %s", line)
		}
	}
}
