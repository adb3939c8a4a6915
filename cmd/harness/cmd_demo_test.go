package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/plan"
	"github.com/harness-gpu/harness/internal/report"
	"github.com/harness-gpu/harness/scenarios"
)

// The demo's first screen says what it is about to do, for how long, and
// where the results go, from the plan of the scenario it runs.
func TestDemoIntro(t *testing.T) {
	src, err := scenarios.FS.ReadFile("demo.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		vars []string
		o    runOutputs
		want []string
		not  []string
	}{
		{"default", nil, runOutputs{out: "results/demo.json"}, []string{
			"simulated NVIDIA GeForce RTX 3060) is listening at http://127.0.0.1:9/.",
			"It will send load to it in 6 steps, 2m45s in all:",
			"  baseline   1 user, each sending a request every 2s, measured for 15s\n",
			"  users_200  200 users, each sending a request every 2s, measured for 25s after a 5s ramp\n",
			"Meanwhile it reads the server's Triton metrics (sampler triton) and GPU metrics (sampler dcgm): one line a second below.\n",
			"Then it checks 7 assertions and writes the results to results/demo.json.\nCtrl-C stops it early",
		}, nil},
		{"fast, quiet, junit", fastDemoVars, runOutputs{out: "r.json", junit: "j.xml", quiet: true}, []string{
			"6 steps, 45s in all:",
			"  users_10   10 users, each sending a request every 2s, measured for 6s after a 2s ramp\n",
			"to r.json and j.xml.",
		}, []string{"one line a second"}},
	} {
		scn, diags := dsl.LoadBytes("scenarios/demo.hcl", src, dsl.LoadOptions{Vars: append([]string{"backend=http://127.0.0.1:9"}, c.vars...)})
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		var b bytes.Buffer
		intro := report.DemoIntro{Server: demoWorkloads["triton"].server, GPUName: "NVIDIA GeForce RTX 3060", URL: "http://127.0.0.1:9/",
			Scenario: scn, Plan: plan.Build(scn), Out: c.o.out, JUnit: c.o.junit, Quiet: c.o.quiet}
		if err := report.WriteDemoIntro(&b, intro); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: the intro lacks %q:\n%s", c.name, w, b.String())
			}
		}
		for _, w := range c.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s: the intro has %q:\n%s", c.name, w, b.String())
			}
		}
	}
}

// The search demo's first screen says how the search goes and its worst
// case, from the plan of capacity-search.hcl.
func TestDemoSearchIntro(t *testing.T) {
	name := searchWorkload.file
	src, err := scenarios.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	scn, diags := dsl.LoadBytes("scenarios/"+name, src, dsl.LoadOptions{Vars: []string{"backend=http://127.0.0.1:9"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var b bytes.Buffer
	intro := report.DemoIntro{Server: searchWorkload.server, GPUName: "NVIDIA GeForce RTX 5090", URL: "http://127.0.0.1:9/",
		Scenario: scn, Plan: plan.Build(scn), Out: "r.json"}
	if err := report.WriteDemoIntro(&b, intro); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"It will search for the capacity, at most 2m36s in all:",
		"  max_users  from 10 to at most 2000 users, ×2 until a probe breaks a limit, then halving the bracket to 10 %;",
		"each probe measured for 10s after a 3s ramp, at most 12 probes",
	} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("the intro lacks %q:\n%s", w, b.String())
		}
	}
}

// chooseDemo maps --workload, --search and --protocol to one scenario, and
// refuses (exit 2) the combinations that mean nothing.
func TestChooseDemo(t *testing.T) {
	for _, c := range []struct {
		workload, protocol string
		search             bool
		file, vars, err    string
	}{
		{workload: "triton", file: "demo.hcl"},
		{workload: "llm", file: "llm-demo.hcl"},
		{workload: "triton", search: true, file: "capacity-search.hcl"},
		{workload: "triton", protocol: "compare", file: "kserve.hcl", vars: `protocols=["http", "binary", "grpc"]`},
		{workload: "triton", protocol: "grpc", file: "kserve.hcl", vars: `protocols=["grpc"]`},
		{workload: "tgi", err: `unknown workload "tgi"`},
		{workload: "llm", search: true, err: "do not combine with --workload llm"},
		{workload: "llm", protocol: "http", err: "do not combine with --workload llm"},
		{workload: "triton", search: true, protocol: "http", err: "--search and --protocol do not combine"},
		{workload: "triton", protocol: "smtp", err: "use http, binary, grpc or compare"},
	} {
		wl, err := chooseDemo(c.workload, c.search, c.protocol)
		if c.err != "" {
			if exitcode.Of(err) != exitcode.Usage || !strings.Contains(fmt.Sprint(err), c.err) {
				t.Errorf("%+v: error %v (exit %d), want exit 2 and %q", c, err, exitcode.Of(err), c.err)
			}
			continue
		}
		if err != nil || wl.file != c.file || strings.Join(wl.vars, " ") != c.vars || wl.grpc != (c.protocol != "") {
			t.Errorf("%+v: got %+v, %v; want file %s, vars %q", c, wl, err, c.file, c.vars)
		}
	}
}
