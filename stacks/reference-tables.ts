import { ADDITIONAL_NETWORK_MAX_PODS_RANGE, ATTACHMENT_NAME_MAX, DNS_LABEL_MAX, CLUSTER_MAX_PODS_RANGE, CLUSTER_NAME_MAX, CLUSTER_POD_RANGE_PREFIX, GCP_NAME_MAX, MAX_ADDITIONAL_NETWORKS, MAX_NODES_PER_POOL_ZONE, MIN_GKE_VERSION, NICS_PER_VM, NODE_POOL_NAME_MAX, NODE_SERVICE_ACCOUNT_NAME_CHARS, SERVICE_RANGE_PREFIX, SHARED_CORE_VCPUS, SUBNET_PREFIX, maxNicsForVcpus, perNodePodBlockPrefix } from '../modules/facts';
import { environmentJsonSchema } from './environment/schema';
import { NODE_SERVICE_ACCOUNT_ROLES } from '../modules/node-service-account';
import { TFC_PLAN_ROLES, TFC_RUN_ACT_AS_NODES, TFC_RUN_ROLES, TFC_WORKLOADS_OWN_TOKEN, TFC_WORKLOADS_ROLES } from './bootstrap-stack';
import { RULES } from './rules';

/**
 * The generated tables of the reference pages in docs/, each between its markers: `npm run schema` writes them, a test
 * fails when a page is out of date. Each takes its values from where they live (the schema, the rule registry, the
 * facts), so no page restates one by hand.
 */

interface JsonSchemaNode {
  type?: string;
  const?: unknown;
  oneOf?: JsonSchemaNode[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

/** A Markdown table of every field: path, type, required or default, and its description. */
export function environmentReferenceMarkdown(): string {
  const rows: string[] = ['| field | type | required / default | description |', '|---|---|---|---|'];
  const describeType = (node: JsonSchemaNode): string => {
    if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
    if (node.type === 'array') return `${node.items ? describeType(node.items) : 'any'}[]`;
    const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
    const range =
      node.minimum !== undefined && max !== undefined
        ? ` ${node.minimum}–${max}`
        : node.minimum !== undefined
          ? ` ≥ ${node.minimum}`
          : node.maxLength
            ? ` ≤ ${node.maxLength} chars`
            : '';
    return `${node.type ?? 'any'}${range}`;
  };
  const requirementOf = (parent: JsonSchemaNode, key: string, child: JsonSchemaNode) =>
    parent.required?.includes(key) ? 'required' : child.default !== undefined ? `\`${JSON.stringify(child.default)}\`` : 'optional';
  const walk = (node: JsonSchemaNode, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === '$schema') continue;
      const field = `${prefix}${key}`;
      const requirement = requirementOf(node, key, child);
      if (child.oneOf) {
        // A discriminated union (the backend): the discriminator's values, then each variant's fields.
        rows.push(`| \`${field}\` | object | ${requirement} | ${(child.description ?? '').replace(/\|/g, '\\|')} |`);
        const variants = child.oneOf.map((v) => ({ name: String(v.properties?.type?.const), node: v }));
        const explain = variants.map((v) => `\`${v.name}\`: ${v.node.properties?.type?.description ?? ''}`).join(' ');
        rows.push(`| \`${field}.type\` | ${variants.map((v) => `\`${v.name}\``).join(' \\| ')} | required | ${explain.replace(/\|/g, '\\|')} |`);
        for (const v of variants) {
          for (const [k, c] of Object.entries(v.node.properties ?? {})) {
            if (k === 'type') continue;
            rows.push(`| \`${field}.${k}\` | ${describeType(c)} | ${requirementOf(v.node, k, c)} (${v.name}) | ${(c.description ?? '').replace(/\|/g, '\\|')} |`);
          }
        }
        continue;
      }
      const objectLike = child.type === 'object' ? child : child.type === 'array' && child.items?.type === 'object' ? child.items : undefined;
      rows.push(`| \`${field}\` | ${objectLike ? (child.type === 'array' ? 'object[]' : 'object') : describeType(child)} | ${requirement} | ${(child.description ?? '').replace(/\|/g, '\\|')} |`);
      if (objectLike) walk(objectLike, child.type === 'array' ? `${field}[].` : `${field}.`);
    }
  };
  walk(environmentJsonSchema() as JsonSchemaNode, '');
  return rows.join('\n');
}

const SCOPES = {
  environment: 'one environment file',
  folder: 'all environment files together',
  resource: 'every synthesized resource (policy)',
} as const;

/** A Markdown table of every rule of the registry: id, what it checks, where, and whether a waiver may lift it. */
export function rulesMarkdown(): string {
  const rows = ['| rule | checks | scope | waivable |', '|---|---|---|---|'];
  for (const rule of RULES) {
    const waivable = 'waivable' in rule ? (rule.waivable ? 'yes' : 'no') : '—';
    rows.push(`| \`${rule.id}\` | ${rule.description.replace(/\|/g, '\\|')} | ${SCOPES[rule.scope]} | ${waivable} |`);
  }
  return rows.join('\n');
}

/** The pod block GKE carves per node, for each band of maxPodsPerNode the two ranges allow. */
function podBlockBands(): string {
  const bands: string[] = [];
  for (let pods = CLUSTER_MAX_PODS_RANGE.min; pods <= CLUSTER_MAX_PODS_RANGE.max; ) {
    const prefix = perNodePodBlockPrefix(pods);
    let last = pods;
    while (last < CLUSTER_MAX_PODS_RANGE.max && perNodePodBlockPrefix(last + 1) === prefix) last += 1;
    bands.push(`${pods === last ? pods : `${pods}–${last}`} pods: /${prefix}`);
    pods = last + 1;
  }
  return bands.join(', ');
}

/** NICs per vCPU count, up to the count where the maximum is reached. */
function nicsByVcpus(): string {
  const counts: string[] = [];
  for (let vcpus = 1; vcpus <= NICS_PER_VM.max; vcpus += 1) counts.push(`${vcpus} vCPU${vcpus > 1 ? 's' : ''}: ${maxNicsForVcpus(vcpus)}`);
  return `${counts.join(', ')}, more: ${NICS_PER_VM.max}`;
}

/** A Markdown table of the GKE and Compute Engine facts the rules size and name things by (modules/facts/). */
export function factsMarkdown(): string {
  const rows: [string, string, string][] = [
    ['oldest GKE version a cluster is created at', `${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor}`, 'Private Service Connect control plane of private clusters (`gke.ts`)'],
    ['max pods per node, cluster pod range', `${CLUSTER_MAX_PODS_RANGE.min}–${CLUSTER_MAX_PODS_RANGE.max}`, 'GKE, "Configure maximum Pods per node"'],
    ['max pods per node, additional network', `${ADDITIONAL_NETWORK_MAX_PODS_RANGE.min}–${ADDITIONAL_NETWORK_MAX_PODS_RANGE.max}`, 'GKE documents no other bound (`gke.ts`)'],
    ['pod block GKE carves per node', podBlockBands(), 'GKE API NodeNetworkConfig, flexible Pod CIDR table'],
    ['NICs of a VM, by its vCPUs', nicsByVcpus(), 'Compute Engine, "Multiple network interfaces"'],
    ['vCPUs of shared-core machine types', Object.entries(SHARED_CORE_VCPUS).map(([t, n]) => `\`${t}\` ${n}`).join(', '), 'Compute Engine machine families'],
    ['additional networks per node pool', `at most ${MAX_ADDITIONAL_NETWORKS}`, `a VM has at most ${NICS_PER_VM.max} NICs, one of them eth0`],
    ['nodes per zone of one pool', `at most ${MAX_NODES_PER_POOL_ZONE}`, 'GKE quotas and limits'],
    ['subnet primary range prefix', `/${SUBNET_PREFIX.min}–/${SUBNET_PREFIX.max}`, 'VPC, "Subnets", IPv4 ranges'],
    ['cluster pod range prefix', `/${CLUSTER_POD_RANGE_PREFIX.min}–/${CLUSTER_POD_RANGE_PREFIX.max}`, 'GKE, "VPC-native clusters", Pod range'],
    ['services range prefix', `/${SERVICE_RANGE_PREFIX.min}–/${SERVICE_RANGE_PREFIX.max}`, 'GKE, "VPC-native clusters", Services range'],
    ['names: GCP resource, cluster, node pool prefix', `${GCP_NAME_MAX}, ${CLUSTER_NAME_MAX}, ${NODE_POOL_NAME_MAX} characters`, 'Compute naming; GKE cluster names; a pool name less the provider\'s unique suffix'],
    ['attachment (network) name', `at most ${ATTACHMENT_NAME_MAX} characters`, `a Kubernetes name of ${DNS_LABEL_MAX} less the cross-node test's suffix`],
    ['node service account id', `the cluster name's first ${NODE_SERVICE_ACCOUNT_NAME_CHARS} characters + \`-nodes\``, 'IAM service account ids (`compute.ts`, `names.ts`)'],
  ];
  return ['| fact | value | source |', '|---|---|---|', ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

/** One grant of an identity, as the security page lists it and a test compares with the synthesized bindings. */
export interface IdentityGrant {
  readonly identity: string;
  readonly phase: string;
  readonly role: string;
  readonly scope: string;
  readonly why: string;
}

/** Every grant the product makes, by identity (bootstrap-<env> makes them; a person's runs use their own roles). */
export function identityGrants(): IdentityGrant[] {
  const project = 'the environment project';
  return [
    ...TFC_PLAN_ROLES.map((r) => ({ identity: '<env>-tfc-plan', phase: 'network and cluster workspaces, plan', role: r.role, scope: project, why: r.why })),
    ...TFC_RUN_ROLES.map((r) => ({ identity: '<env>-tfc-runs', phase: 'network and cluster workspaces, apply', role: r.role, scope: project, why: r.why })),
    { identity: '<env>-tfc-runs', phase: 'network and cluster workspaces, apply', role: 'roles/iam.serviceAccountUser', scope: 'the node service account only', why: TFC_RUN_ACT_AS_NODES },
    ...TFC_WORKLOADS_ROLES.map((r) => ({ identity: '<env>-tfc-k8s', phase: 'workloads workspace, plan and apply', role: r.role, scope: project, why: r.why })),
    { identity: '<env>-tfc-k8s', phase: 'workloads workspace, plan and apply', role: 'roles/iam.serviceAccountTokenCreator', scope: 'its own account only', why: TFC_WORKLOADS_OWN_TOKEN },
    ...NODE_SERVICE_ACCOUNT_ROLES.map((role) => ({ identity: '<cluster>-nodes', phase: 'the nodes (GKE)', role, scope: project, why: 'what GKE nodes need: logs, metrics, autoscaling metrics, image pulls (GKE, "least privileged service account")' })),
  ];
}

/** The security page's table of every grant. */
export function identitiesMarkdown(): string {
  const rows = identityGrants().map((g) => `| \`${g.identity}\` | ${g.phase} | \`${g.role}\` | ${g.scope} | ${g.why.replace(/\|/g, '\\|')} |`);
  return ['| identity | used by | role | scope | why |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** A generated table: the page it lives on, its marker name and what it holds. */
interface GeneratedTable {
  readonly page: string;
  readonly marker: string;
  readonly body: () => string;
}

export const GENERATED_TABLES: readonly GeneratedTable[] = [
  { page: 'docs/environments.md', marker: 'env-reference', body: environmentReferenceMarkdown },
  { page: 'docs/environments.md', marker: 'facts', body: factsMarkdown },
  { page: 'docs/rules.md', marker: 'rules', body: rulesMarkdown },
  { page: 'docs/security.md', marker: 'identities', body: identitiesMarkdown },
];

/** The reference pages that hold generated tables. */
export const GENERATED_PAGES = [...new Set(GENERATED_TABLES.map((t) => t.page))];

function replaceSection(page: string, text: string, marker: string, body: string): string {
  const startMarker = `<!-- ${marker}:start (generated by \`npm run schema\`) -->`;
  const endMarker = `<!-- ${marker}:end -->`;
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  if (start < 0 || end < start) throw new Error(`${page} lacks the ${startMarker} … ${endMarker} markers`);
  return `${text.slice(0, start + startMarker.length)}\n${body}\n${text.slice(end)}`;
}

/** A page's text with its generated tables replaced by the current ones. */
export function pageWithTables(page: string, text: string): string {
  return GENERATED_TABLES.filter((t) => t.page === page).reduce((current, t) => replaceSection(page, current, t.marker, t.body()), text);
}
