import { App } from 'cdktf';
import { MultusWhereabouts } from '..';
import { hclValue } from '../hcl-expression';
import { ATTACHMENT_NAME_MAX, ATTACHMENT_NAME_PATTERN, BUILT_IN_NAMESPACES, DEFAULT_ADDITIONAL_NETWORK_MAX_PODS, DEFAULT_ATTACHMENT_NAMESPACE, DEFAULT_IPAM_MODE, DEFAULT_IPVLAN_MODE, IPAM_MODES, IPVLAN_MODES, MAX_ADDITIONAL_NETWORKS, SUBNET_PREFIX, SYSTEM_NAMESPACE, CROSS_NODE_TEST_SUFFIX, NODE_BLOCK_PREFIX_RANGE, alternatives, nodeNicOf, perNodePodBlockPrefix } from '../facts';
import { cidrInside, everyItem, inside, ipNumber, isCidr, isDnsLabel, isIpv4, isWhole, overlap, rule, uniqueItems, notProhibited, PROHIBITED_MESSAGE } from './hcl-rules';
import { TerraformModule } from './terraform-module';
import { re, MAX_NIC_INDEX, KUBERNETES, HELM, MODULE_CHART_PATH } from './common';

/** Pairs of attachments on one NIC whose ranges differ and overlap, as messages (`[j].range …`). */
const SHARED_MASTER_CLASHES = (() => {
  const masters = '[for i, x in var.networks : x.master == null ? "eth${i + 1}" : x.master]';
  // The masters computed once (a one-element for), not again for every pair.
  return `flatten([for ms in [${masters}] : [for i, a in var.networks : [for j, b in var.networks : "[\${j}].range \${b.range} overlaps networks[\${i}].range \${a.range} on the same NIC \${ms[j]}: one NIC's attachments share one Whereabouts pool only with the same range (split it with range_start, range_end or exclude), else their ranges must not overlap." if j > i && ms[i] == ms[j] && a.range != b.range && ${overlap('a.range', 'b.range')}]]])`;
})();

/** node-block networks that reuse an earlier node-block network's name, as messages. */
const NODE_BLOCK_NAME_CLASHES =
  '[for i, x in var.networks : "[${i}].name is \\"${x.name}\\": another node-block network has this name; each node keeps one CNI file per node-block name, so one network\'s pods would get the other\'s NIC and range: rename one." if x.ipam == "node-block" && contains([for j, y in var.networks : y.name if j < i && y.ipam == "node-block"], x.name)]';

/** multus-whereabouts: the Helm release of the chart shipped in the module, and the attachments' namespaces. */
export function multusWhereaboutsModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'multus-whereabouts',
    "Multus CNI + IPVLAN + Whereabouts on a multi-networking GKE cluster: the repository's multus-whereabouts Helm chart (`charts/multus-whereabouts`, fetched with the module from the pinned commit) with one NetworkAttachmentDefinition per network, the namespaces they live in, and optionally the guide's sample pod per network. The caller configures the kubernetes and helm providers for the cluster.",
    { kubernetes: KUBERNETES, helm: HELM },
    `networks = [{
    name  = "dataplane"
    range = "172.16.1.0/24"
  }]`,
  );
  const n = 'n';
  m.variable({
    name: 'networks',
    type: `list(object({ name = string, namespace = optional(string, "${DEFAULT_ATTACHMENT_NAMESPACE}"), master = optional(string), mode = optional(string, "${DEFAULT_IPVLAN_MODE}"), ipam = optional(string, "${DEFAULT_IPAM_MODE}"), node_block_prefix = optional(number), range = string, exclude = optional(list(string), []), range_start = optional(string), range_end = optional(string) }))`,
    description:
      "One NetworkAttachmentDefinition per network, in the order of the cluster's additional networks: IPVLAN on the node NIC `master` (default eth<k> for the k-th entry), addresses from `range` (the network's pod secondary range): by Whereabouts (`ipam = \"whereabouts\"`) minus `exclude`, within `range_start`..`range_end` when set, or by host-local over each node's alias block of the range (`ipam = \"node-block\"`, with `node_block_prefix`). multinet-cluster's `network_interfaces` output holds, in the same order, each network's `interface` (for `master`), `pod_cidr` (for `range`) and `node_block_prefix`.",
    validation: [
      rule('networks', 'length(var.networks)', 'length(var.networks) >= 1', 'list at least one network.'),
      everyItem('var.networks', n, `${isDnsLabel('n.name')} && can(regex(${re(ATTACHMENT_NAME_PATTERN)}, n.name)) && length(n.name) <= ${ATTACHMENT_NAME_MAX}`, 'networks[#].name', 'n.name', `use a DNS-1123 label starting with a letter, at most ${ATTACHMENT_NAME_MAX} characters (helm test's Service and pods are <name>${CROSS_NODE_TEST_SUFFIX}-<index>).`),
      everyItem('var.networks', n, isDnsLabel('n.namespace'), 'networks[#].namespace', 'n.namespace', 'use a DNS-1123 label: lowercase letters, digits and hyphens, at most 63 characters.'),
      uniqueItems('var.networks', n, '"${n.namespace}/${n.name}"', 'networks[#]', 'no two attachments may share a namespace and name.'),
      everyItem('var.networks', n, `contains(${JSON.stringify(IPVLAN_MODES)}, n.mode)`, 'networks[#].mode', 'n.mode', `use ${alternatives(IPVLAN_MODES)}.`),
      // GKE gives a node eth0 on the cluster network and eth<k> on the k-th additional network; COS names NICs eth*.
      everyItem('var.networks', n, `n.master == null ? true : can(regex("^eth[1-${MAX_NIC_INDEX}]$", n.master))`, 'networks[#].master', 'n.master', `use ${nodeNicOf(0)} to ${nodeNicOf(MAX_NIC_INDEX - 1)}, the NIC of the network (GKE nodes name their NICs eth0, eth1, …; eth0 is the cluster network, and IPVLAN on it takes over pod networking), or leave it out for eth<k>.`),
      // Attachments may share a NIC (one network, several namespaces). Whereabouts keeps one IP pool per range
      // (whereabouts pkg/storage/kubernetes IPPoolName: the normalized range), so on one NIC the ranges must be the same
      // pool, split by range_start/range_end or exclude, or not overlap at all.
      {
        condition: `length(${SHARED_MASTER_CLASHES}) == 0`,
        errorMessage: `networks\${try(${SHARED_MASTER_CLASHES}[0], "")}`,
      },
      // Each node keeps one CNI file per node-block name (99-node-block-<name>.conf), whatever the namespace.
      {
        condition: `length(${NODE_BLOCK_NAME_CLASHES}) == 0`,
        errorMessage: `networks\${try(${NODE_BLOCK_NAME_CLASHES}[0], "")}`,
      },
      everyItem('var.networks', n, `contains(${JSON.stringify(IPAM_MODES)}, n.ipam)`, 'networks[#].ipam', 'n.ipam', `use ${IPAM_MODES.join(' or ')}.`),
      everyItem(
        'var.networks',
        n,
        `n.ipam == "node-block" ? (n.node_block_prefix == null ? false : ${isWhole('n.node_block_prefix', NODE_BLOCK_PREFIX_RANGE.min, NODE_BLOCK_PREFIX_RANGE.max)} && n.node_block_prefix >= tonumber(split("/", n.range)[1])) : true`,
        'networks[#].node_block_prefix',
        'n.node_block_prefix',
        `node-block needs the prefix length of each node's alias block, ${NODE_BLOCK_PREFIX_RANGE.min} to ${NODE_BLOCK_PREFIX_RANGE.max} and inside range (${perNodePodBlockPrefix(DEFAULT_ADDITIONAL_NETWORK_MAX_PODS)} for max_pods_per_node ${DEFAULT_ADDITIONAL_NETWORK_MAX_PODS}).`,
      ),
      everyItem('var.networks', n, `n.ipam == "node-block" ? length(n.exclude) == 0 && n.range_start == null && n.range_end == null : true`, 'networks[#]', '{ exclude = n.exclude, range_start = n.range_start, range_end = n.range_end }', 'exclude, range_start and range_end apply to ipam whereabouts only: with node-block each node hands out the whole alias block GKE gave it.'),
      everyItem('var.networks', n, isCidr('n.range', SUBNET_PREFIX.min, SUBNET_PREFIX.max), 'networks[#].range', 'n.range', `use an IPv4 CIDR block from /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} with no host bits set (the pod secondary range).`),
      everyItem('var.networks', n, notProhibited('n.range'), 'networks[#].range', 'n.range', PROHIBITED_MESSAGE),
      everyItem('var.networks', n, `alltrue([for x in n.exclude : ${isCidr('x', SUBNET_PREFIX.min, 32)} && ${cidrInside('x', 'n.range')}])`, 'networks[#].exclude', 'n.exclude', 'each exclusion must be an IPv4 CIDR block inside range.'),
      everyItem('var.networks', n, `n.range_start == null ? true : ${isIpv4('n.range_start')} && ${inside('n.range_start', 'n.range')}`, 'networks[#].range_start', 'n.range_start', 'use an IPv4 address inside range, or leave it out.'),
      everyItem('var.networks', n, `n.range_end == null ? true : ${isIpv4('n.range_end')} && ${inside('n.range_end', 'n.range')}`, 'networks[#].range_end', 'n.range_end', 'use an IPv4 address inside range, or leave it out.'),
      everyItem(
        'var.networks',
        n,
        `n.range_start == null || n.range_end == null ? true : ${ipNumber('n.range_start')} <= ${ipNumber('n.range_end')}`,
        'networks[#].range_end',
        'n.range_end',
        'must not come before range_start: give range_start <= range_end.',
      ),
    ],
  });
  m.variable({
    name: 'node_additional_nics',
    type: 'number',
    description: "The nodes' additional NICs (the cluster's number of additional networks), to check every `master` is one of them; null for the number of `networks`.",
    default: null,
    validation: [rule('node_additional_nics', 'var.node_additional_nics', `var.node_additional_nics == null ? true : ${isWhole('var.node_additional_nics', 1, MAX_ADDITIONAL_NETWORKS)}`, `use 1 to ${MAX_ADDITIONAL_NETWORKS}, or null.`)],
  });
  const releaseName = m.variable({ name: 'release_name', type: 'string', description: 'Helm release name.', default: 'multus-whereabouts', validation: [rule('release_name', 'var.release_name', `${isDnsLabel('var.release_name')} && length(var.release_name) <= 53`, 'use a DNS-1123 label of at most 53 characters (Helm release names).')] });
  const namespace = m.variable({
    name: 'namespace',
    type: 'string',
    description: 'Namespace of the release and of the Multus/Whereabouts objects (GKE admits system-node-critical pods only in kube-system).',
    default: SYSTEM_NAMESPACE,
    validation: [rule('namespace', 'var.namespace', isDnsLabel('var.namespace'), 'use a DNS-1123 label.')],
  });
  const createNamespaces = m.variable({
    name: 'create_namespaces',
    type: 'bool',
    description:
      `Create the attachment namespaces that do not exist yet (read at plan time; never the ones every cluster has: ${BUILT_IN_NAMESPACES.join(', ')}), labelled \`multinet.gke.io/release = <release_name>\`; one that exists and no release of this module created is used as it is. Two releases must not both create one namespace: create it once, or set false in one of them. false: create none, and the plan fails naming any that is missing.`,
    default: true,
  });
  const values = m.variable({
    name: 'values',
    type: 'any',
    description:
      "More chart values, merged by Helm over the module's own, key by key: image mirrors (`multus.image`, `whereabouts.image`, `tests.image`), `tolerations`, `resources`, `tests.nodeSelector`, … (the chart's values.yaml). Checked against the chart's values.schema.json at plan (helm lint).",
    default: {},
    validation: [rule('values', 'var.values', 'can(keys(var.values))', "use an object of chart values (the chart's values.yaml), e.g. { tests = { tolerations = [...] } }.")],
  });
  const samplePods = m.variable({ name: 'sample_pods', type: 'bool', description: "Create the guide's sample pod `samplepod-<network>` on every network, once Multus is ready on every node.", default: false });
  const requireCrossNode = m.variable({
    name: 'require_cross_node_test',
    type: 'bool',
    description: 'The cross-node `helm test` must put its two pods on two nodes (set it when the cluster has two nodes or more, so a PASS means traffic between nodes was checked); false: preferred only.',
    default: false,
  });
  const timeout = m.variable({
    name: 'timeout_seconds',
    type: 'number',
    description: 'Seconds Helm waits for Multus on every node; past that the apply fails and the release stays as far as it got (no rollback).',
    default: 600,
    validation: [rule('timeout_seconds', 'var.timeout_seconds', isWhole('var.timeout_seconds', 60, 3600), 'use a whole number of seconds from 60 to 3600.')],
  });
  const maxHistory = m.variable({
    name: 'max_history',
    type: 'number',
    description: 'Release revisions Helm keeps.',
    default: 5,
    validation: [rule('max_history', 'var.max_history', isWhole('var.max_history', 1, 100), 'use a whole number from 1 to 100.')],
  });

  // An entry without master gets its network's NIC by order: eth1 for the first, …
  m.addOverride('locals.attachments', '${[for i, n in var.networks : merge(n, { master = n.master == null ? "eth${i + 1}" : n.master })]}');
  // The chart's files, hashed as stacks/release.ts chartChecksum does (the releases ledger records the same value): a
  // changed chart upgrades the release although its version is the same (hashicorp/terraform-provider-helm#515).
  const chart = `\${path.module}/${MODULE_CHART_PATH}`;
  m.addOverride('locals.chart_checksum', `\${sha256(join("\\n", [for f in sort(fileset("${chart}", "**")) : "\${f} \${filesha256("${chart}/\${f}")}"]))}`);
  const multus = new MultusWhereabouts(m, 'multus', {
    chartPath: chart,
    chartChecksum: hclValue(() => 'local.chart_checksum'),
    networks: hclValue(() => 'local.attachments'),
    releaseName: releaseName.stringValue,
    namespace: namespace.stringValue,
    samplePods: samplePods.booleanValue,
    requireCrossNodeTest: requireCrossNode.booleanValue,
    timeoutSeconds: timeout.numberValue,
    maxHistory: maxHistory.numberValue,
    values: values.value,
    createNamespaces: createNamespaces.booleanValue,
  });
  // ipvlan-master-is-a-node-nic: the master must be one of the nodes' additional NICs.
  m.guard(
    multus.release,
    'alltrue([for a in local.attachments : try(tonumber(trimprefix(a.master, "eth")) <= coalesce(var.node_additional_nics, length(var.networks)), false)])',
    '${join("; ", [for i, a in local.attachments : "networks[${i}].master is \\"${a.master}\\", not a NIC of these nodes: they have eth1 to eth${coalesce(var.node_additional_nics, length(var.networks))}" if !try(tonumber(trimprefix(a.master, "eth")) <= coalesce(var.node_additional_nics, length(var.networks)), false)])}: use the NIC of the network, or set node_additional_nics to the cluster\'s number of additional networks.',
  );
  m.output({ name: 'release_name', description: 'Name of the Helm release (for `helm test <release_name> -n <release_namespace>`).', value: multus.release.name });
  m.output({ name: 'release_namespace', description: 'Namespace of the Helm release.', value: multus.release.namespace });
  m.output({ name: 'network_attachments', description: '`<namespace>/<name>` of every NetworkAttachmentDefinition the release installed, in order.', value: multus.attachmentRefs });
  m.output({
    name: 'pod_annotations',
    description:
      'By pod namespace, from what the release installed: the value of the pod annotation `k8s.v1.cni.cncf.io/networks` that attaches a pod of that namespace to every network it may use (Multus namespace isolation: its own namespace and default), in order (net1, net2, …).',
    value: multus.podAnnotations,
  });
  return m;
}
