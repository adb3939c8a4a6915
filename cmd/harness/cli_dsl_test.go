package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/exitcode"
)

func writeScenario(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const cliBase = `scenario { name = "cli" }
target "api" { url = "http://127.0.0.1:8000/" }
step "s" {
  users    = var.users
  pace     = "2s"
  duration = "60s"
}
variable "users" {
  type    = number
  default = 100
}
`

func TestValidateCommand(t *testing.T) {
	good := writeScenario(t, cliBase+"assert \"p95\" { condition = latency.p95 < 500 }\n")
	warn := writeScenario(t, cliBase+"assert \"p95\" {\n  condition = latency.p95 < 500\n  severity = \"warn\"\n}\n")
	bad := writeScenario(t, cliBase+"assert \"p95\" { condition = latency.p59 < 500 }\n")
	tests := []struct {
		name       string
		env        []string
		args       []string
		code       exitcode.Code
		stdout     string
		stderr     string
		stderrNone bool
	}{
		{"ok", nil, []string{"validate", good}, exitcode.OK, good + ": ok\n", "", true},
		{"shipped scenarios", nil, []string{"validate", "../../scenarios/capacity.hcl", "../../scenarios/open-model.hcl", "../../scenarios/ci-gate.hcl", "../../scenarios/capacity-search.hcl"}, exitcode.OK, "capacity.hcl: ok", "", true},
		{"warning does not fail", nil, []string{"validate", warn}, exitcode.OK, ": ok\n", ": warning: no fail assertion", false},
		{"error", nil, []string{"validate", good, bad}, exitcode.Usage, good + ": ok\n", bad + ":12:35: error: Unknown field in condition\n", false},
		{"caret and fix", nil, []string{"validate", bad}, exitcode.Usage, "", "latency has no field p59; did you mean p95", false},
		{"var", nil, []string{"validate", "--var", "users=0", good}, exitcode.Usage, "", "users must be greater than zero", false},
		{"env var", []string{"HARNESS_VAR_users=zero"}, []string{"validate", good}, exitcode.Usage, "", "Invalid value for variable", false},
		{"undeclared var", nil, []string{"validate", "--var", "userz=1", good}, exitcode.Usage, "", `Did you mean "users"?`, false},
		{"missing file", nil, []string{"validate", "/nonexistent.hcl"}, exitcode.Usage, "", "error: Cannot read scenario file", false},
		{"no args", nil, []string{"validate"}, exitcode.Usage, "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runHarnessEnv(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) ||
				(tc.stderrNone && stderr != "") || strings.Contains(stderr, "\x1b[") || strings.Contains(stderr, "goroutine") {
				t.Errorf("harness %v = %d\nstdout:\n%s\nstderr:\n%s\nwant %d, stdout containing %q, stderr containing %q",
					tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	bad := writeScenario(t, cliBase+"assert \"p95\" { condition = latency.p59 < 500 }\n")
	code, stdout, _ := runHarness(t, "validate", "--json", bad)
	var got struct {
		Valid       bool              `json:"valid"`
		ErrorCount  int               `json:"error_count"`
		Diagnostics []json.RawMessage `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("validate --json: %v\n%s", err, stdout)
	}
	if code != exitcode.Usage || got.Valid || got.ErrorCount != 1 || len(got.Diagnostics) != 1 {
		t.Errorf("validate --json = %d %s", code, stdout)
	}
	code, stdout, _ = runHarness(t, "validate", "--json", "../../scenarios/capacity.hcl")
	if code != exitcode.OK || !strings.Contains(stdout, `"valid": true`) || !strings.Contains(stdout, `"diagnostics": []`) {
		t.Errorf("validate --json capacity = %d %s", code, stdout)
	}
}

func TestPlanCommand(t *testing.T) {
	good := writeScenario(t, cliBase+"assert \"p95\" { condition = latency.p95 < 500 }\n")
	code, stdout, stderr := runHarness(t, "plan", good)
	if code != exitcode.OK || !strings.Contains(stdout, "100 users  pace 2s") || !strings.Contains(stdout, "50 ") ||
		!strings.Contains(stdout, "3,000") || stderr != "" {
		t.Errorf("plan = %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = runHarness(t, "plan", "--var", "users=10", good)
	if code != exitcode.OK || !strings.Contains(stdout, "10 users  pace 2s") || !strings.Contains(stdout, "300") {
		t.Errorf("plan --var users=10 = %d\n%s", code, stdout)
	}
	code, _, stderr = runHarness(t, "plan", "--var", "users=x", good)
	if code != exitcode.Usage || !strings.Contains(stderr, "error: Invalid value for variable") {
		t.Errorf("plan with a bad var = %d\n%s", code, stderr)
	}
}

// TestValidateChecksTLSFiles: a ca_file that run would refuse is refused by
// validate too, with the same message, instead of "ok".
func TestValidateChecksTLSFiles(t *testing.T) {
	t.Parallel()
	srv, sent := countingServer(t)
	file := writeScenario(t, strings.Replace(passingScenario(srv.URL), "url = \""+srv.URL+"\"",
		"url = \""+srv.URL+"\"\n  tls {\n    ca_file = \"no-such-ca.pem\"\n  }", 1))
	want := `target "t": tls ca_file: open ` + filepath.Join(filepath.Dir(file), "no-such-ca.pem") + ": no such file or directory"
	code, stdout, stderr := runHarness(t, "validate", file)
	if code != exitcode.Usage || strings.Contains(stdout, "ok") || !strings.Contains(stderr, want) {
		t.Errorf("validate = %d\nstdout: %s\nstderr: %s\nwant exit 2 and %q", code, stdout, stderr, want)
	}
	if code, stdout, _ = runHarness(t, "validate", "--json", file); code != exitcode.Usage || !strings.Contains(stdout, `tls ca_file: open `) {
		t.Errorf("validate --json = %d\n%s", code, stdout)
	}
	f, _ := runScenario(t, file, exitcode.Usage)
	if !strings.Contains(f.Reason, want) || sent.Load() != 0 {
		t.Errorf("run: reason %q, want %q", f.Reason, want)
	}
}
