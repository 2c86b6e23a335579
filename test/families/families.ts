import type { Construct } from 'constructs';
import { MultusWhereabouts, NetworkAttachment } from '../../modules';
import type { RawEnvironment } from '../support/environments';
import { MIN_ATTACHMENT_ADDRESSES } from '../../modules/facts';

/**
 * One case table per rule family, run against every surface that enforces the rule: the environment loader
 * (test/environment/families.cases.ts), the construct (test/modules/families.cases.ts), the HCL module planned by the
 * real terraform (test/modules/terraform-modules.test.ts) and the chart through `helm template`
 * (test/charts/multus-whereabouts.test.ts). A case added here is checked everywhere; a surface that leaves a rule out
 * says why in `skip`.
 */

export interface FamilyCase<V> {
  readonly value: V;
  readonly accepted: boolean;
  /** What the case shows, as the test names it. */
  readonly why: string;
}

type Skip = { readonly skip: string };

export interface RuleFamily<V> {
  readonly family: string;
  readonly cases: readonly FamilyCase<V>[];
  /** The environment file: where the value goes, and the field path a refusal names. */
  readonly loader: { readonly set: (env: RawEnvironment, value: V) => void; readonly path: string } | Skip;
  /** The construct that validates it, built with the value. */
  readonly construct: { readonly build: (scope: Construct, value: V) => void; readonly prop: string } | Skip;
  /** The HCL module: its name, the inputs the value changes in the dev call, and the input a refusal names. */
  readonly hcl: { readonly module: 'additional-network' | 'multinet-cluster' | 'multus-whereabouts'; readonly inputs: (value: V) => Record<string, unknown>; readonly field: string } | Skip;
  /** The chart: values with the value, and what a refusal names (a schema path or the template's message). */
  readonly chart: { readonly values: (value: V) => Record<string, unknown>; readonly names: string | RegExp } | Skip;
}

export const isSkip = (surface: object): surface is Skip => 'skip' in surface;

/** The dev environment's one attachment, as the construct, the module and the chart take it. */
const DATAPLANE = { name: 'dataplane', namespace: 'default', master: 'eth1', range: '172.16.1.0/24' } as const;

const attachmentIn = (env: RawEnvironment) => env.additionalNetworks[0].attachment as Record<string, unknown>;
const multus = (scope: Construct, network: Partial<NetworkAttachment>) =>
  new MultusWhereabouts(scope, 'multus', { chartPath: 'chart', networks: [{ ...DATAPLANE, ...network }] });
/** An attachment field, the same on every surface but for its spelling (environment and construct, HCL, chart). */
function attachmentField<V>(
  family: string,
  field: { env: string; hcl: string; chart: string },
  cases: readonly FamilyCase<V>[],
  options: { loader?: RuleFamily<V>['loader']; construct?: RuleFamily<V>['construct']; chartNames?: string | RegExp } = {},
): RuleFamily<V> {
  return {
    family,
    cases,
    loader: options.loader ?? { set: (env, value) => void (attachmentIn(env)[field.env] = value), path: `additionalNetworks[0].attachment.${field.env}` },
    construct: options.construct ?? { build: (scope, value) => void multus(scope, { [field.env]: value }), prop: `networks[0].${field.env}` },
    hcl: { module: 'multus-whereabouts', inputs: (value) => ({ networks: [{ ...DATAPLANE, [field.hcl]: value }] }), field: `networks[0].${field.hcl}` },
    chart: { values: (value) => ({ networks: [{ ...DATAPLANE, [field.chart]: value }] }), names: options.chartNames ?? `/networks/0/${field.chart}` },
  };
}

export const ATTACHMENT_NAME = attachmentField<string>('attachment name', { env: 'name', hcl: 'name', chart: 'name' }, [
  { value: 'dataplane', accepted: true, why: 'a DNS-1123 label' },
  { value: 'a'.repeat(45), accepted: true, why: 'at the 45-character limit (63 less the cross-node test suffix)' },
  { value: 'a'.repeat(46), accepted: false, why: 'one character over the limit' },
  { value: 'Dataplane', accepted: false, why: 'upper case' },
  { value: '1net', accepted: false, why: 'not starting with a letter' },
  { value: 'net-', accepted: false, why: 'ending with a hyphen' },
  { value: 'data_plane', accepted: false, why: 'an underscore' },
]);

export const ATTACHMENT_NAMESPACE = attachmentField<string>('attachment namespace', { env: 'namespace', hcl: 'namespace', chart: 'namespace' }, [
  { value: 'storage', accepted: true, why: 'a DNS-1123 label' },
  { value: 'kube-public', accepted: true, why: 'a namespace every cluster has' },
  { value: '9lives', accepted: true, why: 'starting with a digit (a label, unlike a name)' },
  { value: 'a'.repeat(63), accepted: true, why: 'at the 63-character limit' },
  { value: 'a'.repeat(64), accepted: false, why: 'one character over the limit' },
  { value: 'Storage', accepted: false, why: 'upper case' },
  { value: '-storage', accepted: false, why: 'starting with a hyphen' },
]);

export const IPVLAN_MODE = attachmentField<string>('IPVLAN mode', { env: 'mode', hcl: 'mode', chart: 'mode' }, [
  { value: 'l2', accepted: true, why: "the guide's mode" },
  { value: 'l3', accepted: false, why: 'the host would route it, and a GKE node has no route for the pod range through eth<k>' },
  { value: 'l3s', accepted: false, why: 'the same as l3, with netfilter' },
  { value: 'L2', accepted: false, why: 'upper case' },
  { value: 'bridge', accepted: false, why: 'a macvlan mode, not IPVLAN' },
]);

export const IPAM_MODE = attachmentField<string>('IPAM mode', { env: 'ipam', hcl: 'ipam', chart: 'ipam' }, [
  { value: 'whereabouts', accepted: true, why: "the guide's IPAM" },
  { value: 'static', accepted: false, why: 'an IPAM this product does not configure' },
  { value: 'Whereabouts', accepted: false, why: 'upper case' },
]);

export const ATTACHMENT_RANGE: RuleFamily<string> = {
  ...attachmentField<string>(
    'attachment range (canonical IPv4 CIDR, /8 to /29)',
    { env: 'podCidr', hcl: 'range', chart: 'range' },
    [
      { value: '172.16.1.0/24', accepted: true, why: "dev's pod range" },
      { value: '172.16.0.0/16', accepted: true, why: 'a larger range' },
      { value: '172.16.1.5/24', accepted: false, why: 'host bits set' },
      { value: '172.16.1.0/30', accepted: false, why: 'smaller than /29' },
      { value: '10.0.0.0/7', accepted: false, why: 'larger than /8' },
      { value: '300.16.1.0/24', accepted: false, why: 'an octet over 255' },
      { value: '172.16.1.0', accepted: false, why: 'no prefix' },
      { value: '127.0.0.0/24', accepted: false, why: 'loopback, which GCP forbids for subnets' },
      { value: '169.254.0.0/24', accepted: false, why: 'link-local, which GCP forbids for subnets' },
      { value: '224.1.0.0/16', accepted: false, why: 'multicast, which GCP forbids for subnets' },
      { value: '0.0.0.0/8', accepted: false, why: '"this network", which GCP forbids for subnets' },
    ],
    {
      // The environment names the range once, as the network's podCidr, which the attachment takes.
      loader: { set: (env, value) => void (env.additionalNetworks[0].podCidr = value), path: 'additionalNetworks[0].podCidr' },
      construct: { build: (scope, value) => void multus(scope, { range: value }), prop: 'networks[0].range' },
      // The schema refuses what a pattern can tell; the template's check (host bits) names the network and the range.
      chartNames: /at '\/networks\/0\/range'|networks: dataplane: range "/,
    },
  ),
};

export const RANGE_START = attachmentField<string>('Whereabouts rangeStart (an address inside the range)', { env: 'rangeStart', hcl: 'range_start', chart: 'rangeStart' }, [
  { value: '172.16.1.10', accepted: true, why: 'inside the range' },
  { value: '172.16.2.10', accepted: false, why: 'outside the range' },
  { value: '172.16.1.300', accepted: false, why: 'not an IPv4 address' },
], { chartNames: /at '\/networks\/0\/rangeStart'|networks: dataplane: rangeStart "/ });

export const EXCLUDE = attachmentField<string[]>('Whereabouts exclude (CIDRs inside the range)', { env: 'exclude', hcl: 'exclude', chart: 'exclude' }, [
  { value: ['172.16.1.0/30'], accepted: true, why: 'a block inside the range' },
  { value: ['10.0.0.0/30'], accepted: false, why: 'a block outside the range' },
  { value: ['172.16.1.1/30'], accepted: false, why: 'host bits set' },
], { chartNames: /at '\/networks\/0\/exclude\/0'|networks: dataplane: exclude\[0\] "/ });

export const NODE_BLOCK_PREFIX: RuleFamily<number> = {
  family: "node-block prefix (each node's alias block, /24 to /28)",
  cases: [
    { value: 28, accepted: true, why: 'the block of 8 pods per node' },
    { value: 24, accepted: true, why: 'the block of 110 pods per node' },
    { value: 23, accepted: false, why: 'a block no additional network has (over 110 pods)' },
    { value: 29, accepted: false, why: 'a block smaller than 8 pods need' },
    { value: 26.5, accepted: false, why: 'not a whole prefix' },
  ],
  loader: { skip: "an environment file gives no prefix: the plan derives it from the network's maxPodsPerNode (perNodePodBlockPrefix)" },
  construct: { build: (scope, value) => void multus(scope, { ipam: 'node-block', nodeBlockPrefix: value }), prop: 'networks[0].nodeBlockPrefix' },
  hcl: { module: 'multus-whereabouts', inputs: (value) => ({ networks: [{ ...DATAPLANE, ipam: 'node-block', node_block_prefix: value }] }), field: 'networks[0].node_block_prefix' },
  chart: { values: (value) => ({ networks: [{ ...DATAPLANE, ipam: 'node-block', nodeBlockPrefix: value }] }), names: '/networks/0/nodeBlockPrefix' },
};

type Bounds = { exclude?: string[]; rangeStart?: string; rangeEnd?: string };
const NO_ARITHMETIC = 'what is left after exclusions is interval arithmetic that neither HCL nor Go templates express; the environment files and the construct refuse it, and helm test fails on the cluster when no address is left';

export const ADDRESSES_LEFT: RuleFamily<Bounds> = {
  family: `addresses left to hand out (at least ${MIN_ATTACHMENT_ADDRESSES}, for helm test's two pods)`,
  cases: [
    { value: { rangeStart: '172.16.1.253' }, accepted: true, why: 'two addresses before the broadcast address' },
    { value: { rangeStart: '172.16.1.254' }, accepted: false, why: 'one address left' },
    { value: { rangeStart: '172.16.1.10', rangeEnd: '172.16.1.10' }, accepted: false, why: 'rangeStart equal to rangeEnd' },
    { value: { exclude: ['172.16.1.0/24'] }, accepted: false, why: 'an exclusion covering the whole range' },
    { value: { exclude: ['172.16.1.0/25', '172.16.1.128/26', '172.16.1.192/27', '172.16.1.224/28', '172.16.1.240/29', '172.16.1.248/30', '172.16.1.252/31'] }, accepted: false, why: 'exclusions leaving only the broadcast address' },
    { value: { exclude: ['172.16.1.0/25'], rangeEnd: '172.16.1.129' }, accepted: true, why: 'exclusions and a bound leaving two' },
  ],
  loader: { set: (env, value) => void Object.assign(attachmentIn(env), value), path: 'additionalNetworks[0].attachment' },
  construct: { build: (scope, value) => void multus(scope, value), prop: 'networks[0]' },
  hcl: { skip: NO_ARITHMETIC },
  chart: { skip: NO_ARITHMETIC },
};

/** Two networks whose attachments are both named dataplane, in default and storage, with one IPAM. */
const twoAttachments = (ipam: string) => {
  const block = ipam === 'node-block';
  return [
    { ...DATAPLANE, ipam, ...(block ? { nodeBlockPrefix: 28 } : {}) },
    { ...DATAPLANE, namespace: 'storage', master: 'eth2', range: '172.16.2.0/24', ipam, ...(block ? { nodeBlockPrefix: 28 } : {}) },
  ];
};
const asHcl = (n: Record<string, unknown>) => {
  const { nodeBlockPrefix, ...rest } = n;
  return nodeBlockPrefix === undefined ? rest : { ...rest, node_block_prefix: nodeBlockPrefix };
};

export const NODE_BLOCK_NAMES: RuleFamily<string> = {
  family: 'attachment names of node-block networks (one CNI file per name on every node)',
  cases: [
    { value: 'whereabouts', accepted: true, why: 'one name in two namespaces, Whereabouts' },
    { value: 'node-block', accepted: false, why: 'one name in two namespaces, both node-block' },
  ],
  loader: {
    set: (env, ipam) => {
      attachmentIn(env).ipam = ipam;
      env.additionalNetworks.push({ name: 'storage', nodeCidr: '10.0.2.0/24', podCidr: '172.16.2.0/24', attachment: { name: 'dataplane', namespace: 'storage', ipam } });
    },
    path: 'additionalNetworks[1].attachment.name',
  },
  construct: { build: (scope, ipam) => void new MultusWhereabouts(scope, 'multus', { chartPath: 'chart', networks: twoAttachments(ipam) as NetworkAttachment[] }), prop: 'networks[1].name' },
  hcl: { module: 'multus-whereabouts', inputs: (ipam) => ({ networks: twoAttachments(ipam).map(asHcl) }), field: 'networks[1].name' },
  chart: { values: (ipam) => ({ networks: twoAttachments(ipam) }), names: /networks\[1\] is also node-block networks\[0\]/ },
};

/** Every family, for the surfaces to run. */
const erase = <V>(family: RuleFamily<V>) => family as unknown as RuleFamily<unknown>;
export const FAMILIES: readonly RuleFamily<unknown>[] = [erase(ATTACHMENT_NAME), erase(ATTACHMENT_NAMESPACE), erase(IPVLAN_MODE), erase(IPAM_MODE), erase(ATTACHMENT_RANGE), erase(NODE_BLOCK_PREFIX), erase(RANGE_START), erase(EXCLUDE), erase(ADDRESSES_LEFT), erase(NODE_BLOCK_NAMES)];

/** The cases of every family a surface runs, each with a test name. */
export function casesFor<S extends 'loader' | 'construct' | 'hcl' | 'chart'>(surface: S) {
  return FAMILIES.flatMap((f) => {
    const at = f[surface];
    if (isSkip(at)) return [];
    return f.cases.map((c) => ({
      name: `${f.family}: ${c.accepted ? 'accepts' : 'rejects'} ${JSON.stringify(c.value).slice(0, 40)} (${c.why})`,
      family: f,
      surface: at as Exclude<RuleFamily<unknown>[S], Skip>,
      ...c,
    }));
  });
}
