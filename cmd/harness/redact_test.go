package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
)

// A sensitive variable's value, in a target URL's query, a sampler URL's
// userinfo, a health URL and an error message, appears in no output: not
// the results file, the JUnit file, stdout or stderr. A URL password that
// is not a variable is masked too.
func TestSensitiveValuesRedacted(t *testing.T) {
	t.Parallel()
	const token = "tok-9f8e7d6c"
	const plainPassword = "plainpw-4455"
	closed := closedPort(t)
	srv, _ := countingServer(t)
	base := `variable "token" {
  default   = "` + token + `"
  sensitive = true
}
scenario {
  name = "secrets"
}
sampler "triton" "tri" {
  url      = "http://user:${var.token}@` + closed + `/metrics"
  optional = true
}
sampler "triton" "query" {
  url      = "http://` + closed + `/metrics?k=${var.token}"
  optional = true
}
step "s" {
  users    = 2
  pace     = "200ms"
  duration = "1s"
}
assert "ok" {
  condition     = requests.success_rate > 0.99
  error_message = "failed with token ${var.token}"
}
`
	for _, tc := range []struct {
		name   string
		blocks string
		want   exitcode.Code
		shown  []string // redacted forms the results file must show
	}{
		{"failing target", `target "t" {
  url = "http://bob:` + plainPassword + `@` + closed + `/v1?api_key=${var.token}&x=1"
}
`, exitcode.Failed, []string{"k=(sensitive)", "token (sensitive)"}},
		{"failing health", `target "t" {
  url = "` + srv.URL + `"
}
health "h" {
  url      = "http://bob:` + plainPassword + `@` + closed + `/health?key=${var.token}"
  timeout  = "1s"
  interval = "200ms"
}
`, exitcode.Precondition, []string{"k=(sensitive)", "key=(sensitive)", "bob:***@"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			junit := filepath.Join(t.TempDir(), "junit.xml")
			_, run := runScenario(t, writeScenario(t, base+tc.blocks), tc.want, "--junit", junit)
			outputs := map[string]string{
				"results": string(mustRead(t, run.out)), "junit": string(mustRead(t, junit)),
				"stdout": run.stdout, "stderr": run.stderr,
			}
			for name, text := range outputs {
				for _, s := range []string{token, plainPassword} {
					if strings.Contains(text, s) {
						t.Errorf("%s holds %q:\n%s", name, s, text)
					}
				}
			}
			for _, s := range tc.shown {
				if !strings.Contains(outputs["results"], s) {
					t.Errorf("the results file lacks %q: the test did not reach that value:\n%s", s, outputs["results"])
				}
			}
		})
	}
}

// monitor prints sampler errors (a warning for an optional sampler, the
// error for a required one) with sensitive values and passwords hidden.
func TestMonitorRedactsSensitiveValues(t *testing.T) {
	t.Parallel()
	const token = "tok-1a2b3c4d"
	closed := closedPort(t)
	for _, optional := range []bool{true, false} {
		file := writeScenario(t, `variable "token" {
  default   = "`+token+`"
  sensitive = true
}
sampler "triton" "tri" {
  url      = "http://bob:pw-5566@`+closed+`/metrics?k=${var.token}"
  optional = `+fmt.Sprint(optional)+`
}
`+passingScenario("http://"+closed))
		_, stdout, stderr := runHarness(t, "monitor", file, "--duration", "200ms", "--interval", "100ms")
		if strings.Contains(stdout+stderr, token) || strings.Contains(stdout+stderr, "pw-5566") || !strings.Contains(stderr, "k=(sensitive)") {
			t.Errorf("optional=%v: the token or password shows, or the URL is not printed:\nstdout:\n%s\nstderr:\n%s", optional, stdout, stderr)
		}
	}
}
