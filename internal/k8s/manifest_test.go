package k8s

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/golden"
	"github.com/harness-gpu/harness/internal/plan"
)

const scenarioSrc = `scenario { name = "Fiqa Capacity" }
target "api" { url = "http://triton:8000/v2/health/ready" }
step "s" {
  users    = 300
  pace     = "2s"
  duration = "60s"
}
`

func options() Options {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	scn := &dsl.Scenario{
		Targets: []*dsl.Target{{Name: "api"}},
		Steps: []*dsl.Step{
			{Name: "s", Target: "api", Model: dsl.Closed, Users: 300, Pace: 2 * time.Second, Duration: time.Minute},
			{Name: "o", Target: "api", Model: dsl.Open, Rate: 9000, Duration: time.Minute},
		},
	}
	return Options{
		Namespace: "load", Image: "ghcr.io/harness-gpu/harness:0.1.0", Parallelism: 3,
		ScenarioName: "Fiqa Capacity", ScenarioFile: "fiqa.hcl", Scenario: []byte(scenarioSrc),
		VarFiles: []VarFile{{Name: "prod.hcl", Data: []byte("users = 300\n")}},
		Vars:     []string{"users=300"},
		Plan:     plan.Build(scn), Now: now, StartAt: now.Add(2 * time.Minute),
	}
}

func manifest(t *testing.T, o Options) []byte {
	t.Helper()
	objs, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	data, err := WriteYAML(objs.List())
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestManifestGolden(t *testing.T) {
	golden.Check(t, "testdata/manifest.yaml", manifest(t, options()))
}

// TestManifestDecodes reads the YAML back into the API types, strictly (an
// unknown field fails), and checks what the split run relies on.
func TestManifestDecodes(t *testing.T) {
	o := options()
	docs := bytes.Split(manifest(t, o), []byte("\n---\n"))
	if len(docs) != 4 {
		t.Fatalf("%d documents, want 4 (ConfigMap, claim, Job, merge Job)", len(docs))
	}
	var cm corev1.ConfigMap
	var claim corev1.PersistentVolumeClaim
	var job, mergeJob batchv1.Job
	for i, into := range []any{&cm, &claim, &job, &mergeJob} {
		if err := yaml.UnmarshalStrict(docs[i], into); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
	}
	if cm.Kind != "ConfigMap" || claim.Kind != "PersistentVolumeClaim" || job.Kind != "Job" || mergeJob.Kind != "Job" || job.APIVersion != "batch/v1" {
		t.Fatalf("kinds %s %s %s %s", cm.Kind, claim.Kind, job.Kind, mergeJob.Kind)
	}
	for _, name := range []string{cm.Name, claim.Name, job.Name, mergeJob.Name} {
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
			t.Errorf("name %q: %v", name, errs)
		}
	}
	if cm.Data["fiqa.hcl"] != scenarioSrc || cm.Data["prod.hcl"] != "users = 300\n" || cm.Namespace != "load" {
		t.Errorf("configmap %+v", cm)
	}

	s := job.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("completionMode %v, want Indexed", s.CompletionMode)
	}
	if *s.Completions != 3 || *s.Parallelism != 3 || *s.BackoffLimit != 0 {
		t.Errorf("completions %d parallelism %d backoffLimit %d", *s.Completions, *s.Parallelism, *s.BackoffLimit)
	}
	if got, want := *s.ActiveDeadlineSeconds, int64((2*time.Minute + 2*time.Minute + 10*time.Minute).Seconds()); got != want {
		t.Errorf("activeDeadlineSeconds %d, want %d (start lead + plan + 10m)", got, want)
	}
	pod := s.Template.Spec
	c := pod.Containers[0]
	if len(c.Env) != 1 || c.Env[0].Name != "JOB_COMPLETION_INDEX" || c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
		t.Errorf("env %+v", c.Env)
	}
	wantArgs := []string{"run", "/scenario/fiqa.hcl", "--segment", "$(JOB_COMPLETION_INDEX)/3", "--start-at", "2026-01-02T15:06:05Z",
		"--out", "/results/part-$(JOB_COMPLETION_INDEX).json", "--quiet", "--var-file", "/scenario/prod.hcl", "--var", "users=300"}
	if !slices.Equal(c.Args, wantArgs) {
		t.Errorf("args %q\nwant %q", c.Args, wantArgs)
	}
	if pod.RestartPolicy != corev1.RestartPolicyNever || !*pod.SecurityContext.RunAsNonRoot || !*c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("pod policy/security %+v %+v", pod.RestartPolicy, pod.SecurityContext)
	}
	checkVolumes(t, pod, cm.Name, claim.Name)
	// 9000 req/s over 3 pods → 3000 each: 1.5 cores + 0.25.
	// 9000 arrivals/s over 3 pods: 3000 a second in flight at most → 128 + 188 MiB.
	if cpu, mem := c.Resources.Requests.Cpu().MilliValue(), c.Resources.Requests.Memory().Value(); cpu != 1750 || mem != 316<<20 {
		t.Errorf("requests cpu %dm memory %d MiB, want 1750m and 316 MiB", cpu, mem>>20)
	}

	mpod := mergeJob.Spec.Template.Spec
	margs := mpod.Containers[0].Args
	for _, want := range []string{"merge", "/results/part-0.json", "/results/part-1.json", "/results/part-2.json", "/results/results.json", "/scenario/fiqa.hcl"} {
		if !slices.Contains(margs, want) {
			t.Errorf("merge args %q lack %q", margs, want)
		}
	}
	if slices.Contains(margs, "/results/part-3.json") {
		t.Errorf("merge args %q name a 4th part", margs)
	}
	checkVolumes(t, mpod, cm.Name, claim.Name)
}

func checkVolumes(t *testing.T, pod corev1.PodSpec, cm, claim string) {
	t.Helper()
	var gotCM, gotClaim bool
	for _, v := range pod.Volumes {
		gotCM = gotCM || (v.ConfigMap != nil && v.ConfigMap.Name == cm && v.Name == "scenario")
		gotClaim = gotClaim || (v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim && v.Name == "results")
	}
	mounts := map[string]string{}
	for _, m := range pod.Containers[0].VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	if !gotCM || !gotClaim || mounts["scenario"] != "/scenario" || mounts["results"] != "/results" {
		t.Errorf("volumes %+v mounts %v", pod.Volumes, mounts)
	}
}

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		mutate func(*Options)
		want   string
	}{
		{func(o *Options) { o.Parallelism = 0 }, "--parallelism 0"},
		{func(o *Options) { o.Image = "" }, "--image is required"},
		{func(o *Options) { o.Name = "Bad_Name" }, "DNS label"},
		{func(o *Options) { o.VarFiles = append(o.VarFiles, VarFile{Name: "fiqa.hcl"}) }, "scenario's file name"},
		{func(o *Options) { o.VarFiles = append(o.VarFiles, VarFile{Name: "prod.hcl"}) }, "two --var-file named prod.hcl"},
	} {
		o := options()
		tc.mutate(&o)
		if _, err := Build(o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
}

func TestDNSName(t *testing.T) {
	for in, want := range map[string]string{
		"harness-Fiqa Capacity": "harness-fiqa-capacity",
		"harness-":              "harness",
		"--x__y--":              "x-y",
		strings.Repeat("a", 70): strings.Repeat("a", maxName),
	} {
		if got := dnsName(in); got != want {
			t.Errorf("dnsName(%q) = %q, want %q", in, got, want)
		}
	}
}
