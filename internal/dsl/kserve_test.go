package dsl

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	"github.com/harness-gpu/harness/internal/kserve"
)

const kserveScenario = `
scenario { name = "k" }
target "grpc" {
  url = "grpc://127.0.0.1:8001"
  kserve {
    model   = "efficient_fiqa"
    version = "1"
    input "INPUT__0" {
      datatype    = "UINT8"
      shape       = [1, 2, 2, 3]
      data_base64 = base64encode("twelve bytes")
    }
    output "OUTPUT__0" {}
  }
}
target "json" {
  url = "http://127.0.0.1:8000"
  kserve {
    model = "simple"
    input "X" {
      datatype = "FP32"
      shape    = [2, 2]
      data     = [[0.5, 1], [2, -3]]
    }
    input "N" {
      datatype = "BYTES"
      shape    = [2]
      data     = ["a", "bc"]
    }
    input "F" {
      datatype = "BOOL"
      shape    = [3]
      file     = "flags.raw"
    }
    output "Y" { binary = true }
  }
}
step "s" {
  target   = "grpc"
  users    = 1
  duration = "1s"
}
assert "p95" { condition = latency.p95 < 500 }
`

func TestKServeBlock(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "flags.raw"), []byte{1, 0, 1}, 0o644); err != nil {
		t.Fatal(err)
	}
	s, diags := LoadBytes(filepath.Join(dir, "k.hcl"), []byte(kserveScenario), LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(renderDiags(s, diags))
	}
	g, j := s.Targets[0], s.Targets[1]
	if g.Method != "POST" || g.Body != nil || !GRPC(g.URL) || GRPC(j.URL) {
		t.Errorf("grpc target: method %q body %q", g.Method, g.Body)
	}
	want := &KServe{Request: kserve.Request{
		Model: "efficient_fiqa", Version: "1",
		Inputs:  []kserve.Tensor{{Name: "INPUT__0", Datatype: "UINT8", Shape: []int64{1, 2, 2, 3}, Raw: []byte("twelve bytes")}},
		Outputs: []kserve.Output{{Name: "OUTPUT__0"}},
	}, Binary: true}
	if diff := cmp.Diff(want.Request, g.KServe.Request); diff != "" || !g.KServe.Binary {
		t.Errorf("grpc kserve (-want +got):\n%s", diff)
	}
	fp := make([]byte, 16)
	for i, f := range []float32{0.5, 1, 2, -3} {
		binary.LittleEndian.PutUint32(fp[4*i:], math.Float32bits(f))
	}
	wantJ := kserve.Request{
		Model: "simple",
		Inputs: []kserve.Tensor{
			{Name: "X", Datatype: "FP32", Shape: []int64{2, 2}, Raw: fp},
			{Name: "N", Datatype: "BYTES", Shape: []int64{2}, Raw: kserve.EncodeStrings([]string{"a", "bc"})},
			{Name: "F", Datatype: "BOOL", Shape: []int64{3}, Raw: []byte{1, 0, 1}},
		},
		Outputs: []kserve.Output{{Name: "Y", Binary: true}},
	}
	if diff := cmp.Diff(wantJ, j.KServe.Request); diff != "" {
		t.Errorf("json kserve (-want +got):\n%s", diff)
	}
	if !j.KServe.Binary {
		t.Error("an input read from a file makes the REST request binary")
	}
}

// A shape mismatch names the file, line and column of the data.
func TestKServeDiagnosticPosition(t *testing.T) {
	src := strings.Replace(kserveScenario, `shape       = [1, 2, 2, 3]`, `shape       = [1, 2, 2, 2]`, 1)
	src = strings.Replace(src, `file     = "flags.raw"`, `data     = [true, false, true]`, 1)
	s, diags := LoadBytes("k.hcl", []byte(src), LoadOptions{Environ: noEnv})
	text := renderDiags(s, diags)
	if !strings.Contains(text, "k.hcl:11:21") || !strings.Contains(text, "12 bytes of data, but shape [1 2 2 2] of UINT8 needs 8") {
		t.Errorf("diagnostics:\n%s", text)
	}
}

// rgb() is the raw tensor of an image, and binary_data = false sends raw
// bytes in the JSON form.
func TestKServeRGBAndBinaryData(t *testing.T) {
	s := mustLoad(t, `
scenario { name = "k" }
target "api" {
  url = "http://127.0.0.1:8000"
  kserve {
    model       = "m"
    binary_data = false
    input "I" {
      datatype    = "UINT8"
      shape       = [1, 3, 2, 3]
      data_base64 = rgb(2, 3)
    }
  }
}
step "s" {
  users    = 1
  duration = "1s"
}
assert "p95" { condition = latency.p95 < 500 }
`, LoadOptions{})
	k := s.Targets[0].KServe
	if k.Binary || len(k.Inputs[0].Raw) != 18 {
		t.Errorf("binary %v, %d bytes", k.Binary, len(k.Inputs[0].Raw))
	}
	_, diags := LoadBytes("k.hcl", []byte(`
scenario { name = "k" }
target "api" {
  url = "http://127.0.0.1:8000"
  kserve {
    model       = "m"
    binary_data = false
    input "I" {
      datatype    = "FP16"
      shape       = [1]
      data_base64 = "AAA="
    }
  }
}
`), LoadOptions{Environ: noEnv})
	found := false
	for _, d := range diags {
		found = found || d.Summary == "No JSON form"
	}
	if !found {
		t.Errorf("FP16 in JSON: %v", diags)
	}
}

// TestKServeProtocolTargets pins what scenarios/kserve.hcl's one
// `dynamic "target"` expands to: the three protocol targets in list order,
// each with its URL and REST form (binary_data = null leaves the default).
func TestKServeProtocolTargets(t *testing.T) {
	s, diags := LoadFile("../../scenarios/kserve.hcl", LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(renderDiags(s, diags))
	}
	want := []struct {
		name, url string
		binary    bool
	}{
		{"http", "http://127.0.0.1:8000", false},
		{"binary", "http://127.0.0.1:8000", true},
		{"grpc", "grpc://127.0.0.1:8001", true},
	}
	if len(s.Targets) != len(want) {
		t.Fatalf("%d targets, want %d", len(s.Targets), len(want))
	}
	for i, w := range want {
		tg := s.Targets[i]
		if tg.KServe == nil {
			t.Fatalf("target %d (%s) has no kserve block", i, tg.Name)
		}
		if tg.Name != w.name || tg.URL != w.url || tg.KServe.Binary != w.binary {
			t.Errorf("target %d = %s %s binary %v, want %+v", i, tg.Name, tg.URL, tg.KServe.Binary, w)
			continue
		}
		in := tg.KServe.Inputs
		if len(in) != 1 || in[0].Name != "INPUT__0" || len(in[0].Raw) != 224*224*3 ||
			len(tg.Extracts) != 1 || tg.Extracts[0].Output != "OUTPUT__0" || tg.Timeout != 10*time.Second {
			t.Errorf("target %s: inputs %d, extracts %+v, timeout %v", tg.Name, len(in), tg.Extracts, tg.Timeout)
		}
	}
}

// TestKServeNestedDynamic: blocks inside a target expand with `dynamic` too,
// as docs/scenario-language.md says, and a null attribute is unset.
func TestKServeNestedDynamic(t *testing.T) {
	s, diags := LoadBytes("k.hcl", []byte(`
scenario { name = "k" }
target "m" {
  url = "grpc://localhost:8001"
  kserve {
    model       = "m"
    binary_data = null
    dynamic "input" {
      for_each = ["A", "B"]
      labels   = [input.value]
      content {
        datatype = "INT32"
        shape    = [1]
        data     = [1]
      }
    }
    output "OUT" {}
  }
  dynamic "extract" {
    for_each = ["OUT"]
    labels   = ["e_${extract.value}"]
    content { output = extract.value }
  }
}
step "s" {
  users    = 1
  duration = "1s"
}
assert "ok" { condition = requests.success_rate == 1 }
`), LoadOptions{Environ: noEnv})
	if diags.HasErrors() {
		t.Fatal(renderDiags(s, diags))
	}
	k := s.Targets[0].KServe
	if len(k.Inputs) != 2 || k.Inputs[0].Name != "A" || k.Inputs[1].Name != "B" || k.Binary {
		t.Errorf("kserve = %+v", k)
	}
	if ex := s.Targets[0].Extracts; len(ex) != 1 || ex[0].Name != "e_OUT" || ex[0].Output != "OUT" {
		t.Errorf("extracts = %+v", ex)
	}
}

// TestKServeInputFileErrors: a kserve input `file` that is not a regular
// file, or is over the limit, is refused under its own name.
func TestKServeInputFileErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.raw")
	if err := os.WriteFile(big, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, MaxFileSize+1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"big.raw", "limit for a kserve input file"},
		{"/dev/null", "a kserve input file must be a regular file"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src := `
scenario { name = "k" }
target "api" {
  url = "http://127.0.0.1:8000"
  kserve {
    model = "m"
    input "I" {
      datatype = "UINT8"
      shape    = [1]
      file     = "` + tc.file + `"
    }
  }
}
step "s" {
  users    = 1
  duration = "1s"
}
assert "p95" { condition = latency.p95 < 500 }
`
			s, diags := LoadBytes(filepath.Join(dir, "k.hcl"), []byte(src), LoadOptions{Environ: noEnv})
			if text := renderDiags(s, diags); !strings.Contains(text, tc.want) {
				t.Errorf("diagnostics do not say %q:\n%s", tc.want, text)
			}
		})
	}
}

// TestGRPCCodeNames: every grpc_status name the loader accepts is one the
// runner can turn into its code (it parses them as grpc-go does), so no
// accepted name is silently ignored at run time.
func TestGRPCCodeNames(t *testing.T) {
	if len(grpcCodes) != int(codes.Unauthenticated)+1 {
		t.Errorf("%d names, want one for each of the %d codes", len(grpcCodes), int(codes.Unauthenticated)+1)
	}
	for i, n := range grpcCodes {
		var c codes.Code
		if err := c.UnmarshalJSON([]byte(strconv.Quote(n))); err != nil || c != codes.Code(i) {
			t.Errorf("%q parses as %v (%v), want %v", n, c, err, codes.Code(i))
		}
	}
}
