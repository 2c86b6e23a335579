import { Construct } from 'constructs';
import { IResolvable, ITerraformDependable, TerraformIterator, TerraformStack, Token } from 'cdktf';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PodV1 } from '@cdktf/provider-kubernetes/lib/pod-v1';
import { Release, ReleaseConfig } from '@cdktf/provider-helm/lib/release';
import { DataKubernetesNodes } from '@cdktf/provider-kubernetes/lib/data-kubernetes-nodes';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { hclExpression, hclOperand, hclTemplate, hclValue } from './hcl-expression';
import {
  BUILT_IN_NAMESPACES,
  DEFAULT_ATTACHMENT_NAMESPACE,
  DEFAULT_IPAM_MODE,
  DEFAULT_IPVLAN_MODE,
  MULTUS_GLOBAL_NAMESPACE,
  SYSTEM_NAMESPACE,
} from './facts';
import { NetworkAttachment, checkAttachments, helmSetEntries } from './network-attachment';
import { checkInteger } from './validate';

export type { NetworkAttachment } from './network-attachment';

export interface MultusWhereaboutsProps {
  /** Path of the multus-whereabouts chart as Terraform sees it (relative to the stack directory). */
  readonly chartPath: string;
  /**
   * One NetworkAttachmentDefinition per additional network. Also a reference to a list known only to Terraform (a
   * module variable) of objects with `name`, `namespace`, `master`, `mode`, `range`, `exclude`, `range_start` and
   * `range_end`: the chart values are then built with `yamlencode`.
   */
  readonly networks: readonly NetworkAttachment[] | IResolvable;
  /**
   * Helm release name.
   * @default 'multus-whereabouts'
   */
  readonly releaseName?: string;
  /**
   * Namespace of the release and of the Multus/Whereabouts objects.
   * @default SYSTEM_NAMESPACE
   */
  readonly namespace?: string;
  /**
   * Create the guide's sample pod (`samplepod-<network>`) on every network, once the release is ready on every node.
   * @default false
   */
  readonly samplePods?: boolean | IResolvable;
  /**
   * Image of the sample pods. The guide's `nginx` is on Docker Hub, which private nodes reach only through Cloud
   * NAT; Google's hello-app on gcr.io is reached through Private Google Access.
   * @default SAMPLE_POD_IMAGE
   */
  readonly samplePodImage?: string;
  /**
   * Seconds Helm waits for the DaemonSet to be ready on every node; past that the apply fails and the release stays
   * as far as it got (no rollback, no uninstall).
   * @default 600
   */
  readonly timeoutSeconds?: number;
  /**
   * The cross-node `helm test` must put its two pods on two nodes (chart value `tests.requireCrossNode`): set it when
   * the cluster has two nodes or more, so a PASS always means traffic between nodes was checked.
   * @default false: preferred only; pods that share a node pass with a notice
   */
  readonly requireCrossNodeTest?: boolean | IResolvable;
  /**
   * Release revisions Helm keeps.
   * @default 5
   */
  readonly maxHistory?: number;
  /**
   * More chart values (image mirrors, tolerations, resources…; see the chart's values.yaml), given to Helm after the
   * construct's own: Helm merges them key by key, so a map here extends or overrides the chart's defaults. A
   * reference known only to Terraform is passed through `yamlencode`.
   * @default none
   */
  readonly values?: Readonly<Record<string, unknown>> | IResolvable;
  /**
   * A checksum of the chart's files, given to the release as the chart value `chartChecksum` (which no template
   * reads): a chart whose files changed then upgrades the release even when its version did not, as the helm provider
   * compares a local chart by its version (hashicorp/terraform-provider-helm#515). The HCL module computes it at plan;
   * the stacks need none (their chart archive's path carries a content hash).
   * @default none
   */
  readonly chartChecksum?: string;
  /**
   * With networks known only to Terraform: create the attachment namespaces that do not exist yet (read at plan time),
   * labelled as this release's; a namespace that exists and was not created here is used as it is. false: create
   * none, and the plan fails naming any that is missing.
   * @default true
   */
  readonly createNamespaces?: boolean | IResolvable;
}

/** gcr.io/google_samples/hello-app 1.0, pinned by digest: pullable by private nodes through Private Google Access. */
export const SAMPLE_POD_IMAGE =
  'gcr.io/google_samples/hello-app:1.0@sha256:c62ead5b8c15c231f9e786250b07909daf6c266d0fcddd93fea882eb722c3be4';

/** The annotation Multus writes on every pod it wires: not ours, so Terraform must not try to remove it. */
const NETWORK_STATUS_ANNOTATION = 'k8s.v1.cni.cncf.io/network-status';

/** Namespaces that always exist: never created or deleted by this construct. */
const BUILT_IN = new Set<string>(BUILT_IN_NAMESPACES);

/** Label naming the release whose module created an attachment namespace (networks known only to Terraform). */
export const CREATED_BY_LABEL = 'multinet.gke.io/release';

/** Labels of every attachment namespace this construct creates. */
const NAMESPACE_LABELS = {
  'app.kubernetes.io/managed-by': 'terraform',
  // Attachment namespaces host ordinary workloads: refuse privileged pods in them.
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
};

/**
 * Multus CNI + Whereabouts (the local multus-whereabouts chart) and one NetworkAttachmentDefinition per
 * network, with the namespaces those definitions live in. Literal networks go to Helm as typed `set` entries, so a
 * reference (e.g. a range read from another stack's outputs) stays a reference; networks known only to Terraform
 * (a module variable) go through `yamlencode`.
 */
export class MultusWhereabouts extends Construct {
  readonly release: Release;
  /** Created namespaces, by name; for networks known only to Terraform, one `for_each` resource under the key `*`. */
  readonly namespaces: ReadonlyMap<string, NamespaceV1>;
  /** `<namespace>/<name>` of each attachment, in order. */
  readonly attachmentRefs: readonly string[];
  /**
   * By namespace of the attachments: the value of `k8s.v1.cni.cncf.io/networks` that attaches a pod of that namespace
   * to every network it may use. Multus runs with namespace isolation, so a pod may use the attachments of its own
   * namespace and of `default`, the one global namespace when `globalNamespaces` is unset (multus-cni
   * docs/configuration.md, "Namespace isolation"; pkg/types/conf.go defaultNonIsolatedNamespace); in the networks'
   * order, so `net1`, `net2`, … follow the file.
   */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** The guide's sample pods, by attachment reference (or under `*`, as above), when `samplePods` is set. */
  readonly samplePods: ReadonlyMap<string, PodV1>;

  constructor(scope: Construct, id: string, props: MultusWhereaboutsProps) {
    super(scope, id);
    const what = `MultusWhereabouts "${id}"`;
    const timeout = props.timeoutSeconds ?? 600;
    const maxHistory = props.maxHistory ?? 5;
    checkInteger(what, 'timeoutSeconds', timeout, 60, 3600);
    checkInteger(what, 'maxHistory', maxHistory, 1, 100);
    let namespacesExist: { condition: unknown; errorMessage: string } | undefined;
    const release = (values: Pick<ReleaseConfig, 'set' | 'setList' | 'values' | 'dependsOn'>) =>
      new Release(this, 'release', {
        name: props.releaseName ?? 'multus-whereabouts',
        chart: props.chartPath,
        namespace: props.namespace ?? SYSTEM_NAMESPACE,
        // kube-system always exists; attachment namespaces are created here.
        createNamespace: false,
        // No rollback on a timeout: with `atomic`, one NotReady node (Multus can never be ready there, yet the
        // DaemonSet counts it) would roll a working upgrade back, or uninstall a first install, taking Multus off
        // every node. The apply fails instead, the release stays where it got, and the plan-time check below says
        // which node is down before anything is tried.
        atomic: false,
        // A first install that failed leaves a release in status failed, which Terraform did not record: the next
        // apply installs again, and Helm reuses the name only with `replace` (helm pkg/action/install.go availableName).
        replace: true,
        cleanupOnFail: true,
        // Helm waits for Multus on every node (the chart's surge rollout makes the DaemonSet count every node) before
        // the sample pods, and later the test pods, may start: a pod that starts before Multus never gets net1.
        wait: true,
        timeout,
        maxHistory,
        // helm lint at plan time: a bad value fails the plan, not the apply.
        lint: true,
        ...values,
        values: values.values || extraValues.length > 0 ? [...(values.values ?? []), ...extraValues] : undefined,
        lifecycle: namespacesExist ? { precondition: [namespacesExist] } : undefined,
      });
    // Every node's Ready condition, read at plan time: Helm's wait counts every node the DaemonSet targets, and the
    // DaemonSet tolerates every taint, NotReady included (helm pkg/kube/ready.go daemonSetReady).
    const nodes = new DataKubernetesNodes(this, 'nodes', {});
    const notReady = () =>
      `[for n in ${nodes.fqn}.nodes : n.metadata[0].name if !anytrue([for c in n.status[0].conditions : c.type == "Ready" && c.status == "True"])]`;
    // A node that is not Ready warns at every plan and apply (a `check` block: Terraform reports a failed assertion as
    // a warning and goes on) instead of refusing the plan: surge nodes of a GKE upgrade are NotReady for a while, and a
    // drift or speculative plan must not fail for that. An apply that changes the release while a node is down runs
    // into Helm's wait timeout and leaves the release where it got (no rollback, see `atomic`).
    TerraformStack.of(this).addOverride(`check.${nodesReadyCheckName(this)}`, {
      assert: [
        {
          condition: hclValue(() => `length(${notReady()}) == 0`),
          error_message: hclTemplate(
            () =>
              `Node(s) \${join(", ", ${notReady()})} are not Ready: Multus cannot become ready there, so an apply that changes the release waits for it until the timeout (the release stays as far as it got). Wait for GKE to repair the node, or drain and delete it (kubectl drain <node> --ignore-daemonsets --delete-emptydir-data; kubectl delete node <node>), then apply (runbook: "A node is down").`,
          ),
        },
      ],
    });
    // The guide's sample pods are not part of the release: a pod created with the DaemonSet can start on a node before
    // Multus has written its configuration there and then never gets net1. The release waits until Multus is ready on
    // every node (the chart's surge rollout makes Helm's wait count every node), and only then are these created.
    const samplePod = (podId: string, pod: { name: string; namespace: string; attachment: string; forEach?: TerraformIterator; dependsOn: ITerraformDependable[] }) =>
      new PodV1(this, podId, {
        forEach: pod.forEach,
        metadata: {
          name: pod.name,
          namespace: pod.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'terraform', 'app.kubernetes.io/component': 'sample' },
          annotations: { 'k8s.v1.cni.cncf.io/networks': pod.attachment },
        },
        spec: {
          // The sample only needs to exist on the network: no API token, no root, no capabilities, read-only root.
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: '65534', seccompProfile: { type: 'RuntimeDefault' } },
          container: [
            {
              name: 'sample-container',
              image: props.samplePodImage ?? SAMPLE_POD_IMAGE,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
        dependsOn: pod.dependsOn,
        // Multus records the pod's interfaces in this annotation; Terraform would otherwise remove it on every apply.
        lifecycle: { ignoreChanges: [`metadata[0].annotations["${NETWORK_STATUS_ANNOTATION}"]`] },
      });

    const extra = props.values;
    // JSON is YAML: literal extra values need no encoder.
    const extraOperand = extra !== undefined && Token.isUnresolved(extra) ? hclOperand(this, 'values', extra) : undefined;
    const checksum = props.chartChecksum;
    const checksumOperand = checksum !== undefined && Token.isUnresolved(checksum) ? hclOperand(this, 'chart-checksum', checksum) : undefined;
    const checksumValues = checksum === undefined ? [] : [checksumOperand ? hclExpression(() => `yamlencode({ chartChecksum = ${checksumOperand.text()} })`) : JSON.stringify({ chartChecksum: checksum })];
    const extraValues = [...checksumValues, ...(extra === undefined ? [] : [extraOperand ? hclExpression(() => `yamlencode(${extraOperand.text()})`) : JSON.stringify(extra)])];
    const requireCrossNode = hclOperand(this, 'require-cross-node-test', props.requireCrossNodeTest ?? false);
    if (!Array.isArray(props.networks)) {
      // Networks known only to Terraform: the same objects, through yamlencode and for_each (see hcl-expression.ts).
      const list = hclOperand(this, 'networks', props.networks);
      const ns = (n: string) => `coalesce(${n}.namespace, ${JSON.stringify(DEFAULT_ATTACHMENT_NAMESPACE)})`;
      const releaseName = hclOperand(this, 'release-name', props.releaseName ?? 'multus-whereabouts');
      const create = hclOperand(this, 'create-namespaces', props.createNamespaces ?? true);
      const wanted = () => `toset([for n in ${list.text()} : ${ns('n')} if !contains(${JSON.stringify(BUILT_IN_NAMESPACES)}, ${ns('n')})])`;
      // Every namespace of the cluster, read at plan time. Those this release's module created carry its label; any
      // other that exists already is someone else's: used as it is, never created (which would fail the apply).
      const existing = new DataKubernetesResources(this, 'namespaces', { apiVersion: 'v1', kind: 'Namespace' });
      const names = (filter: string) => `[for o in ${existing.fqn}.objects : o.metadata.name${filter}]`;
      // Ours: labelled by a release of this module (any name: a renamed release keeps its namespaces, relabelled in
      // place), or created before the label existed (0.4.0: managed-by terraform and the pod-security labels). Either
      // must stay in state; dropping one from for_each would plan its destruction, workloads included.
      const label = (key: string) => `try(o.metadata.labels["${key}"], "")`;
      const ours = () =>
        `(${label(CREATED_BY_LABEL)} != "" || (${label('app.kubernetes.io/managed-by')} == "terraform" && ${label('pod-security.kubernetes.io/warn')} == "restricted"))`;
      const foreign = () => names(` if !${ours()}`);
      const created = TerraformIterator.fromList(hclValue(() => `${create.text()} ? setsubtract(${wanted()}, ${foreign()}) : toset([])`));
      const namespace = new NamespaceV1(this, 'namespace', {
        forEach: created,
        metadata: { name: created.value, labels: { ...NAMESPACE_LABELS, [CREATED_BY_LABEL]: hclExpression(() => releaseName.text()) } },
      });
      // On the release, which always exists (the namespaces may be none): with create_namespaces false, every
      // attachment namespace must exist already.
      namespacesExist = {
        condition: hclValue(() => `${create.text()} ? true : length(setsubtract(${wanted()}, ${names('')})) == 0`),
        errorMessage: hclTemplate(
          () => `create_namespaces is false, and the attachment namespace(s) \${join(", ", sort(setsubtract(${wanted()}, ${names('')})))} do not exist: create them, or set create_namespaces = true.`,
        ),
      };
      this.namespaces = new Map([['*', namespace]]);
      this.release = release({
        values: [
          hclExpression(
            () =>
              `yamlencode({ networks = [for n in ${list.text()} : merge(n.ipam == "node-block" ? { nodeBlockPrefix = n.node_block_prefix } : {}, { name = n.name, namespace = ${ns('n')}, master = n.master, mode = coalesce(n.mode, ${JSON.stringify(DEFAULT_IPVLAN_MODE)}), ipam = coalesce(n.ipam, ${JSON.stringify(DEFAULT_IPAM_MODE)}), range = n.range, exclude = n.exclude == null ? [] : n.exclude, rangeStart = n.range_start == null ? "" : n.range_start, rangeEnd = n.range_end == null ? "" : n.range_end })], tests = { requireCrossNode = ${requireCrossNode.text()} } })`,
          ),
        ],
        dependsOn: [namespace],
      });
      // What the release was installed with (helm provider 3.x: metadata.values, the values Terraform gave Helm, as
      // JSON), not the inputs: known once the release exists, and what the cluster really has.
      const installed = () => `jsondecode(${this.release.fqn}.metadata.values).networks`;
      this.attachmentRefs = Token.asList(hclValue(() => `[for n in ${installed()} : "\${n.namespace}/\${n.name}"]`));
      this.podAnnotations = hclValue(
        () =>
          `{ for pod_ns in distinct([for n in ${installed()} : n.namespace]) : pod_ns => join(",", [for n in ${installed()} : "\${n.namespace}/\${n.name}" if n.namespace == pod_ns || n.namespace == ${JSON.stringify(MULTUS_GLOBAL_NAMESPACE)}]) }`,
      );
      const enabled = hclOperand(this, 'sample-pods', props.samplePods ?? false);
      const samples = TerraformIterator.fromMap(hclValue(() => `${enabled.text()} ? { for n in ${list.text()} : "\${${ns('n')}}/\${n.name}" => n } : {}`));
      this.samplePods = new Map([
        [
          '*',
          samplePod('sample', {
            forEach: samples,
            name: hclExpression(() => 'substr("samplepod-${each.value.name}", 0, 63)'),
            namespace: hclExpression(() => ns('each.value')),
            attachment: hclTemplate(() => '${each.key}'),
            dependsOn: [this.release, namespace],
          }),
        ],
      ]);
      return;
    }

    const networks = props.networks as readonly NetworkAttachment[];
    if (networks.length === 0) throw new Error(`${what}: networks is empty; give at least one network to attach`);
    checkAttachments(what, networks);

    const namespaces = new Map<string, NamespaceV1>();
    for (const ns of new Set(networks.map((n) => n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE))) {
      if (!BUILT_IN.has(ns)) namespaces.set(ns, new NamespaceV1(this, `namespace-${ns}`, { metadata: { name: ns, labels: NAMESPACE_LABELS } }));
    }
    this.namespaces = namespaces;

    const values = helmSetEntries({
      networks: networks.map((n) => ({
        name: n.name,
        namespace: n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE,
        master: n.master,
        mode: n.mode ?? DEFAULT_IPVLAN_MODE,
        ...(n.ipam === 'node-block' ? { ipam: 'node-block', nodeBlockPrefix: n.nodeBlockPrefix! } : {}),
        range: n.range,
        ...(n.exclude && n.exclude.length > 0 ? { exclude: [...n.exclude] } : {}),
        ...(n.rangeStart ? { rangeStart: n.rangeStart } : {}),
        ...(n.rangeEnd ? { rangeEnd: n.rangeEnd } : {}),
      })),
      ...(props.requireCrossNodeTest !== undefined ? { tests: { requireCrossNode: props.requireCrossNodeTest as boolean } } : {}),
    });
    this.release = release({
      set: values.set,
      setList: values.setList.length > 0 ? values.setList : undefined,
      dependsOn: [...namespaces.values()],
    });
    this.attachmentRefs = networks.map((n) => `${n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE}/${n.name}`);
    const attachmentNamespaces = [...new Set(networks.map((n) => n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE))];
    this.podAnnotations = Object.fromEntries(
      attachmentNamespaces.map((podNamespace) => [
        podNamespace,
        this.attachmentRefs.filter((ref) => ref.startsWith(`${podNamespace}/`) || ref.startsWith(`${MULTUS_GLOBAL_NAMESPACE}/`)).join(','),
      ]),
    );

    const samplePods = new Map<string, PodV1>();
    if (props.samplePods === true) {
      networks.forEach((n, i) => {
        const namespace = n.namespace ?? DEFAULT_ATTACHMENT_NAMESPACE;
        samplePods.set(
          this.attachmentRefs[i],
          samplePod(`sample-${namespace}-${n.name}`, {
            name: `samplepod-${n.name}`.slice(0, 63).replace(/-+$/, ''),
            namespace,
            attachment: this.attachmentRefs[i],
            dependsOn: [this.release, ...namespaces.values()],
          }),
        );
      });
    }
    this.samplePods = samplePods;
  }
}

/** The name of a MultusWhereabouts' node check block: its construct path, as a Terraform name. */
export function nodesReadyCheckName(construct: Construct): string {
  const inStack = construct.node.scopes.slice(construct.node.scopes.indexOf(TerraformStack.of(construct)) + 1).map((c) => c.node.id);
  return `${inStack.join('_').replace(/[^A-Za-z0-9_]/g, '_')}_nodes_ready`;
}
