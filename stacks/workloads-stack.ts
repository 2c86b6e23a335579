import { Construct } from 'constructs';
import { AssetType, TerraformAsset, TerraformOutput } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ClusterCredentials, MultusWhereabouts, serviceAccountEmail } from '../modules';
import { ClusterOutputs, ClusterStack } from './cluster-stack';
import type { EnvironmentPlan } from './environment';
import { packChart } from './chart-archive';
import { EnvironmentStack } from './environment-stack';
import { NetworkOutputs, NetworkStack } from './network-stack';

/** The chart, relative to the working directory (the project root, where cdktf runs the app). */
export const CHART_DIR = 'charts/multus-whereabouts';

export interface WorkloadsStackProps {
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  /**
   * Folder of the multus-whereabouts chart.
   * @default CHART_DIR
   */
  readonly chartDir?: string;
}

/**
 * `<env>-workloads`: Multus + Whereabouts on the new cluster and one NetworkAttachmentDefinition per
 * additional network, whose Whereabouts range is the network stack's pod range output.
 */
export class WorkloadsStack extends EnvironmentStack {
  readonly multus: MultusWhereabouts;

  constructor(scope: Construct, plan: EnvironmentPlan, props: WorkloadsStackProps) {
    super(scope, plan, 'workloads');
    const network = new NetworkOutputs(this.remoteStateOf(props.network, 'network'));
    // Applied after the cluster stack, node pools included: Multus lands on nodes that have the extra NICs.
    const cluster = new ClusterOutputs(this.remoteStateOf(props.cluster, 'cluster'));

    // Short-lived credentials of whoever runs Terraform, never in state or in the files: a person's runs take a token of
    // their application default credentials from gke-gcloud-auth-plugin; Terraform Cloud runs open an ephemeral token of
    // the workloads identity at plan and again at apply.
    const credentials = new ClusterCredentials(this, 'cluster-credentials', {
      endpoint: cluster.endpoint,
      caCertificate: cluster.caCertificate,
      auth:
        plan.backend.type === 'cloud'
          ? { kind: 'ephemeral-token', serviceAccountEmail: serviceAccountEmail(plan.backend.workloadsServiceAccountId, plan.project) }
          : { kind: 'gcloud-plugin' },
    });
    this.addOverride('terraform.required_version', `>= ${credentials.minimumTerraform}`);
    new KubernetesProvider(this, 'kubernetes', credentials.kubernetesProvider);
    new HelmProvider(this, 'helm', { kubernetes: credentials.kubernetes });

    // The chart, packed into one archive, is copied into the stack folder and referenced relatively: a Terraform
    // Cloud run uploads only that folder.
    const chart = new TerraformAsset(this, 'chart', { path: packChart(props.chartDir ?? CHART_DIR), type: AssetType.FILE });

    this.multus = new MultusWhereabouts(this, 'multus', {
      chartPath: chart.path,
      samplePods: plan.examples.samplePod,
      // Two nodes or more: a PASS of the cross-node test must mean traffic between nodes was checked.
      requireCrossNodeTest: plan.requireCrossNodeTest,
      networks: plan.additionalNetworks.map((n) => ({
        name: n.attachment.name,
        namespace: n.attachment.namespace,
        master: n.attachment.master,
        mode: n.attachment.mode,
        ipam: n.attachment.ipam,
        nodeBlockPrefix: n.attachment.nodeBlockPrefix,
        range: network.additional(n.key).podCidr,
        exclude: n.attachment.exclude,
        rangeStart: n.attachment.rangeStart,
        rangeEnd: n.attachment.rangeEnd,
      })),
    });

    const release = this.multus.release;
    new TerraformOutput(this, WORKLOADS_OUTPUTS.attachments, {
      description:
        'By network: the NetworkAttachmentDefinition to name in a pod annotation `k8s.v1.cni.cncf.io/networks: <value>`, the range it hands out, the node NIC it uses, who hands out addresses (ipam), and with node-block how many addresses each node can hand out.',
      value: Object.fromEntries(
        plan.additionalNetworks.map((n, i) => [
          n.key,
          {
            attachment: this.multus.attachmentRefs[i],
            range: network.additional(n.key).podCidr,
            master: n.attachment.master,
            ipam: n.attachment.ipam,
            // node-block: what one node can hand out (its alias block, less network, gateway and broadcast).
            ...(n.attachment.addressesPerNode !== undefined ? { addresses_per_node: n.attachment.addressesPerNode } : {}),
          },
        ]),
      ),
    });
    new TerraformOutput(this, WORKLOADS_OUTPUTS.podAnnotations, {
      description:
        'By pod namespace: the value of the pod annotation `k8s.v1.cni.cncf.io/networks` that attaches a pod of that namespace to every network it may use (Multus namespace isolation: its own namespace and default), in the networks\' order (net1, net2, …).',
      value: this.multus.podAnnotations,
    });
    const testNamespaces = [...new Set(plan.additionalNetworks.map((n) => n.attachment.namespace))];
    new TerraformOutput(this, WORKLOADS_OUTPUTS.verify, {
      description:
        'Commands that verify every network: helm test checks each attachment from inside a pod and that two pods on two nodes exchange data over it (Helm 4 prints their logs; the kubectl logs commands read them with Helm 3).',
      value: [
        `gcloud container clusters get-credentials ${plan.cluster.name} --location ${plan.cluster.location} --project ${plan.project}`,
        `helm test ${release.name} --namespace ${release.namespace}`,
        ...testNamespaces.map(
          (ns) =>
            `kubectl logs --namespace ${ns} -l 'app.kubernetes.io/instance=${release.name},app.kubernetes.io/component in (attachment-test,cross-node-test)' --prefix --tail=-1`,
        ),
        // Helm 3 prints no Job logs: an environment of one node is told here that helm test cannot check traffic between nodes.
        ...(plan.requireCrossNodeTest
          ? []
          : ['# one node: helm test checks traffic between two pods on that node only; traffic between nodes is NOT checked until the environment has two nodes']),
        ...(plan.examples.samplePod
          ? plan.additionalNetworks.map((n) => `kubectl describe pod samplepod-${n.attachment.name} --namespace ${n.attachment.namespace}`)
          : []),
      ],
    });
  }
}

/** Output names of the workloads stack. */
export const WORKLOADS_OUTPUTS = { attachments: 'network_attachments', podAnnotations: 'pod_annotations', verify: 'verify_commands' } as const;
