package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/harness-gpu/harness/internal/exitcode"
	"github.com/harness-gpu/harness/internal/k8s"
	"github.com/harness-gpu/harness/internal/plan"
)

func newK8sCmd(a *app) *cobra.Command {
	var vf varFlags
	o := k8s.Options{}
	var startIn time.Duration
	var accessMode string
	cmd := &cobra.Command{
		Use:   "k8s FILE --parallelism N --image IMG",
		Short: "Print a Kubernetes Indexed Job that runs a scenario split across N pods, and its merge",
		Long: `k8s prints YAML for kubectl apply: a ConfigMap with the scenario (and its
var files), a claim for the results, an Indexed Job of N pods where pod I runs
harness run --segment I/N (all starting together at --start-in from now), and a
Job that waits for the N parts and merges them (harness merge): its log holds
the summary and its exit code the verdict. docs/distributed.md walks through it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Parallelism < 1 || o.Parallelism > plan.MaxSegments {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("k8s: --parallelism must be from 1 to %d", plan.MaxSegments))
			}
			if o.Image == "" {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("k8s: --image is required: a harness image the cluster can pull (see the Dockerfile)"))
			}
			if startIn < 10*time.Second {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("k8s: --start-in %s: give the pods at least 10s to be scheduled and started", startIn))
			}
			scn, err := a.loadScenario(args[0], vf)
			if err != nil {
				return err
			}
			if err := plan.CheckSplit(scn, plan.Segment{Count: o.Parallelism}); err != nil {
				return exitcode.Wrap(exitcode.Usage, err)
			}
			// The ConfigMap carries the bytes the load just read and checked
			// (a load without errors parsed the scenario and each --var-file
			// into scn.Files), not a second read that could differ from them.
			o.Scenario = scn.Files[args[0]].Bytes
			o.ScenarioName, o.ScenarioFile = scn.Name, filepath.Base(args[0])
			for _, f := range vf.files {
				o.VarFiles = append(o.VarFiles, k8s.VarFile{Name: filepath.Base(f), Data: scn.Files[f].Bytes})
			}
			o.Vars = vf.vars
			for _, v := range scn.Variables {
				if v.Sensitive && v.Source == "cli" {
					fmt.Fprintf(a.stderr, "harness: warning: sensitive variable %q is given with --var, so its value is in the manifest; set it in the pods from a Secret instead (HARNESS_VAR_%s)\n", v.Name, v.Name)
				}
			}
			o.Plan = plan.Build(scn)
			o.Now = time.Now().UTC().Truncate(time.Second)
			o.StartAt = o.Now.Add(startIn)
			o.AccessMode = corev1.PersistentVolumeAccessMode(accessMode)
			objs, err := k8s.Build(o)
			if err != nil {
				return exitcode.Wrap(exitcode.Usage, fmt.Errorf("k8s: %w", err))
			}
			data, err := k8s.WriteYAML(objs.List())
			if err != nil {
				return exitcode.Wrap(exitcode.Internal, fmt.Errorf("k8s: %w", err))
			}
			header := fmt.Sprintf(`# harness %s: scenario %q split across %d pods, starting together at %s.
#   kubectl apply -f THIS.yaml
#   kubectl logs -f job/%s   # waits for the parts, then prints the merged summary
#   kubectl get job %s -o jsonpath='{.status.succeeded}'   # 1: the run passed
# docs/distributed.md: copying results.json and junit.xml out of the claim.
`, version, scn.Name, o.Parallelism, o.StartAt.Format(time.RFC3339), objs.Merge.Name, objs.Merge.Name)
			_, err = fmt.Fprint(a.stdout, header+string(data))
			return err
		},
	}
	vf.register(cmd)
	cmd.Flags().IntVarP(&o.Parallelism, "parallelism", "n", 0, "number of pods (segments) to split the run across (required)")
	cmd.Flags().StringVar(&o.Image, "image", "", "the harness container image the pods run (required; see the Dockerfile)")
	cmd.Flags().StringVar(&o.Namespace, "namespace", "", "namespace of every object (default: kubectl's current one)")
	cmd.Flags().StringVar(&o.Name, "name", "", "base name of the objects (default: harness-<scenario name>)")
	cmd.Flags().DurationVar(&startIn, "start-in", 2*time.Minute, "how long from now the pods begin their load together: time to pull the image and start")
	cmd.Flags().StringVar(&o.StorageClass, "storage-class", "", "storage class of the results claim (default: the cluster's)")
	cmd.Flags().StringVar(&accessMode, "access-mode", string(corev1.ReadWriteOnce), "access mode of the results claim: ReadWriteOnce (one node) or ReadWriteMany (pods on several nodes)")
	return cmd
}
