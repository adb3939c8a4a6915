// Package k8s builds the Kubernetes objects of a split run (`harness k8s`,
// docs/distributed.md): a ConfigMap with the scenario, a claim for the
// results, an Indexed Job whose pod I runs `harness run --segment I/N`, and
// a Job that merges the parts. They are built from the Kubernetes API types
// and written as one YAML stream, so what is printed is what the API
// server decodes.
package k8s

import (
	"bytes"
	"fmt"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/harness-gpu/harness/internal/dsl"
	"github.com/harness-gpu/harness/internal/plan"
)

// Paths inside the pods.
const (
	scenarioDir = "/scenario"
	resultsDir  = "/results"
	// indexEnv is the pod's completion index, which the Job controller also
	// sets; it is declared from the pod's annotation so that $(…) expands it
	// in the container's arguments.
	indexEnv = "JOB_COMPLETION_INDEX"
	// nonRoot is the user the containers run as (distroless's "nonroot").
	nonRoot int64 = 65532
)

// Options describe one split run.
type Options struct {
	Name        string // base of every object's name; "" = from the scenario's name
	Namespace   string // "" = the kubectl context's
	Image       string // a harness image (the repository's Dockerfile)
	Parallelism int    // N: pods, segments

	ScenarioName string    // the scenario block's name
	ScenarioFile string    // the scenario file's base name
	Scenario     []byte    // its contents
	VarFiles     []VarFile // --var-file, in command-line order
	Vars         []string  // --var name=value, in order

	Plan    plan.Plan // the whole run's plan: sizes the pods and the deadline
	StartAt time.Time // when every pod begins its load
	Now     time.Time // when the manifest is made: StartAt - Now is the pods' time to start

	StorageClass string                            // "" = the cluster's default
	AccessMode   corev1.PersistentVolumeAccessMode // "" = ReadWriteOnce
}

// VarFile is one --var-file as the pods read it from the ConfigMap: its
// base name there (unique, and not the scenario file's) and its contents.
type VarFile struct {
	Name string
	Data []byte
}

// Objects are the manifest's objects, in the order they are applied.
type Objects struct {
	ConfigMap *corev1.ConfigMap
	Claim     *corev1.PersistentVolumeClaim
	Job       *batchv1.Job
	Merge     *batchv1.Job
}

// List is the objects in apply order.
func (o Objects) List() []runtime.Object {
	return []runtime.Object{o.ConfigMap, o.Claim, o.Job, o.Merge}
}

// Build builds the objects of o.
func Build(o Options) (Objects, error) {
	if o.Parallelism < 1 || o.Parallelism > plan.MaxSegments {
		return Objects{}, fmt.Errorf("--parallelism %d: must be from 1 to %d", o.Parallelism, plan.MaxSegments)
	}
	if strings.TrimSpace(o.Image) == "" {
		return Objects{}, fmt.Errorf("--image is required: a harness image the cluster can pull (see the Dockerfile)")
	}
	name := o.Name
	if name == "" {
		name = dnsName("harness-" + o.ScenarioName)
	} else if dnsName(name) != name {
		return Objects{}, fmt.Errorf("--name %q: must be a DNS label (lower-case letters, digits and '-', at most %d characters)", name, maxName)
	}
	if o.AccessMode == "" {
		o.AccessMode = corev1.ReadWriteOnce
	}
	labels := map[string]string{"app.kubernetes.io/name": "harness", "app.kubernetes.io/instance": name}
	meta := func(n string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: n, Namespace: o.Namespace, Labels: labels}
	}

	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(name + "-scenario"),
		Data:       map[string]string{o.ScenarioFile: string(o.Scenario)},
	}
	for _, f := range o.VarFiles {
		if f.Name == o.ScenarioFile {
			return Objects{}, fmt.Errorf("--var-file %s has the scenario's file name: rename one", f.Name)
		}
		if _, dup := cm.Data[f.Name]; dup {
			return Objects{}, fmt.Errorf("two --var-file named %s: they share one ConfigMap; rename one", f.Name)
		}
		cm.Data[f.Name] = string(f.Data)
	}

	claim := &corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: meta(name + "-results"),
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{o.AccessMode},
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")},
			},
		},
	}
	if o.StorageClass != "" {
		claim.Spec.StorageClassName = &o.StorageClass
	}

	n := o.Parallelism
	varArgs := loadArgs(o)
	runArgs := append([]string{
		"run", path.Join(scenarioDir, o.ScenarioFile),
		"--segment", "$(" + indexEnv + ")/" + strconv.Itoa(n),
		"--start-at", o.StartAt.UTC().Format(time.RFC3339),
		"--out", path.Join(resultsDir, "part-$("+indexEnv+").json"),
		"--quiet",
	}, varArgs...)
	cpu, mem := podResources(o.Plan, n)
	// The Job gives up 10 minutes after the load should have ended; the
	// merge waits as long for the parts.
	deadline := max(o.StartAt.Sub(o.Now), 0) + o.Plan.Total + 10*time.Minute
	loadDeadline := int64(math.Ceil(deadline.Seconds()))
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta(name),
		Spec: batchv1.JobSpec{
			CompletionMode: ptr(batchv1.IndexedCompletion),
			Completions:    ptr(int32(n)),
			Parallelism:    ptr(int32(n)),
			// A retried pod would begin after the others: a part is run once.
			BackoffLimit:          ptr(int32(0)),
			ActiveDeadlineSeconds: ptr(loadDeadline),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: podSpec(name, o, "harness", runArgs, cpu, mem, []corev1.EnvVar{{
					Name: indexEnv,
					ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
						FieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
					}},
				}}),
			},
		},
	}

	mergeArgs := []string{"merge", "--wait", deadline.Round(time.Second).String()}
	for i := range n {
		mergeArgs = append(mergeArgs, path.Join(resultsDir, fmt.Sprintf("part-%d.json", i)))
	}
	mergeArgs = append(mergeArgs,
		"--scenario", path.Join(scenarioDir, o.ScenarioFile),
		"--out", path.Join(resultsDir, "results.json"),
		"--junit", path.Join(resultsDir, "junit.xml"))
	mergeArgs = append(mergeArgs, varArgs...)
	mergeJob := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta(name + "-merge"),
		Spec: batchv1.JobSpec{
			// Its exit code is the run's verdict: a failed assertion is not
			// something to retry.
			BackoffLimit: ptr(int32(0)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       podSpec(name, o, "merge", mergeArgs, resource.MustParse("100m"), resource.MustParse("128Mi"), nil),
			},
		},
	}
	return Objects{ConfigMap: cm, Claim: claim, Job: job, Merge: mergeJob}, nil
}

// loadArgs are the --var-file and --var options every pod loads the
// scenario with (var files from the ConfigMap).
func loadArgs(o Options) []string {
	var args []string
	for _, f := range o.VarFiles {
		args = append(args, "--var-file", path.Join(scenarioDir, f.Name))
	}
	for _, v := range o.Vars {
		args = append(args, "--var", v)
	}
	return args
}

// podSpec is a pod running the harness image with args, the scenario
// mounted read-only and the results claim writable, as a non-root user on
// a read-only root file system.
func podSpec(name string, o Options, container string, args []string, cpu, mem resource.Quantity, env []corev1.EnvVar) corev1.PodSpec {
	return corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot: ptr(true),
			RunAsUser:    ptr(nonRoot),
			RunAsGroup:   ptr(nonRoot),
			FSGroup:      ptr(nonRoot),
		},
		Containers: []corev1.Container{{
			Name:  container,
			Image: o.Image,
			Args:  args,
			Env:   env,
			Resources: corev1.ResourceRequirements{
				// Requests only: a load pod throttled or killed at a limit
				// would measure itself, not the service.
				Requests: corev1.ResourceList{corev1.ResourceCPU: cpu, corev1.ResourceMemory: mem},
			},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "scenario", MountPath: scenarioDir, ReadOnly: true},
				{Name: "results", MountPath: resultsDir},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr(false),
				ReadOnlyRootFilesystem:   ptr(true),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
		Volumes: []corev1.Volume{
			{Name: "scenario", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: name + "-scenario"},
			}}},
			{Name: "results", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: name + "-results",
			}}},
		},
	}
}

// podResources sizes one segment's pod from the whole plan's busiest step:
// a quarter core plus one core per 2,000 requests/s it sends, and 128 MiB
// plus 64 KiB per request it may have in flight (a connection's buffers):
// its users, or for an open step one second of arrivals (capped by
// max_in_flight). Rough on purpose: enough that the scheduler does not pack
// load pods onto a busy node; each pod's own numbers are in its results.
func podResources(p plan.Plan, n int) (cpu, mem resource.Quantity) {
	var rps, inflight float64
	for _, st := range p.Steps {
		rps = math.Max(rps, st.ExpectedRPS)
		conc := float64(st.Users)
		if st.Model == dsl.Open {
			conc = math.Ceil(st.Rate)
			if st.MaxInFlight > 0 {
				conc = math.Min(conc, float64(st.MaxInFlight))
			}
		}
		inflight = math.Max(inflight, conc)
	}
	rps /= float64(n)
	inflight = math.Ceil(inflight / float64(n))
	milli := 250 + int64(math.Ceil(rps/2000*1000))
	mib := 128 + int64(math.Ceil(inflight*64/1024))
	return *resource.NewMilliQuantity(milli, resource.DecimalSI), resource.MustParse(strconv.FormatInt(mib, 10) + "Mi")
}

// maxName leaves room for the "-scenario", "-results" and "-merge" suffixes
// and the pods' generated suffixes within the 63-character label limit.
const maxName = 40

var notDNS = regexp.MustCompile(`[^a-z0-9-]+`)

// dnsName turns s into a DNS label: lower case, runs of other characters
// as '-', at most maxName characters, no leading or trailing '-'.
func dnsName(s string) string {
	s = notDNS.ReplaceAllString(strings.ToLower(s), "-")
	if len(s) > maxName {
		s = s[:maxName]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		return "harness"
	}
	return s
}

// WriteYAML writes objs as one YAML stream, documents separated by "---".
func WriteYAML(objs []runtime.Object) ([]byte, error) {
	var b bytes.Buffer
	for i, obj := range objs {
		data, err := yaml.Marshal(obj)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(data)
	}
	return b.Bytes(), nil
}

func ptr[T any](v T) *T { return &v }
