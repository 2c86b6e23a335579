import { DEFAULT_KEEP_NONCURRENT_STATE_VERSIONS, stateBucketStackName, tfcProjectStackName } from './backends';
import { DEFAULT_REGIONAL_ZONE_COUNT, MaintenancePolicy, isZone, nodeNicOf, nodeServiceAccountId, perNodePodBlockPrefix, vcpusOfMachineType, IpvlanMode } from '../../modules/facts';
import type { EnvironmentConfig } from './schema';

/**
 * Everything an environment means, derived once before any construct exists: resource names, NIC order, zone counts,
 * state locations. Deriving never judges: the rules of rules.ts check the plan (and the file) afterwards. Stacks read
 * the plan and never re-derive it.
 */
export interface EnvironmentPlan {
  /** Environment name: the file name without `.json` (`dev`, `prod`). */
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly cluster: ClusterPlan;
  readonly primaryNetwork: PrimaryNetworkPlan;
  readonly nodePools: readonly NodePoolPlan[];
  /** In NIC order: `additionalNetworks[k-1]` is `eth<k>` on every node. */
  readonly additionalNetworks: readonly AdditionalNetworkPlan[];
  readonly examples: { readonly samplePod: boolean };
  /** VPC flow logs of the subnets the environment creates; `false` when turned off. */
  readonly flowLogs: { readonly aggregationInterval: string; readonly flowSampling: number; readonly metadata: string } | false;
  /** Marked as production: stricter policy (e.g. deletion protection may not be waived off). */
  readonly production: boolean;
  /** Labels on every resource: which environment and tool own it. */
  readonly labels: Readonly<Record<string, string>>;
  /** Policy rules this environment waives, each with the reason a reviewer reads. */
  readonly waivers: readonly { readonly rule: string; readonly reason: string }[];
  /**
   * The environment starts with two nodes or more (initial or minimum count per zone × zones, over every pool), so
   * the cross-node `helm test` must put its two pods on two nodes (`tests.requireCrossNode`).
   */
  readonly requireCrossNodeTest: boolean;
  /** Where every stack keeps its state, and how the others read it. */
  readonly backend: BackendPlan;
  /**
   * `bootstrap-<env>`: what an administrator creates for this environment's Terraform Cloud runs (workspaces, dynamic
   * credentials, the node service account and its grants), deployed with local state; `undefined` unless the backend
   * is `cloud`. What environments share (a bucket, a Terraform Cloud project) has a stack of its own (`backends.ts`).
   */
  readonly bootstrapStackName?: string;
}

/** The three stacks of an environment, in deploy order. */
export const STACK_KINDS = ['network', 'cluster', 'workloads'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export type BackendPlan = { readonly type: 'local' } | GcsBackendPlan | CloudBackendPlan;

export interface GcsBackendPlan {
  readonly type: 'gcs';
  readonly bucket: string;
  /** Object prefix of each stack's state: `<prefix>/<env>-<stack>` (Terraform adds `/default.tfstate`). */
  readonly statePrefixes: Readonly<Record<StackKind, string>>;
  /** Set when this folder creates the bucket (`createBucket`); absent when the bucket exists already. */
  readonly createdBucket?: CreatedBucketPlan;
}

/** A state bucket the folder creates, once, in the shared stack `bootstrap-state-<bucket>`. */
export interface CreatedBucketPlan {
  readonly stackName: string;
  readonly project: string;
  readonly location: string;
  readonly keepNoncurrentVersions: number;
}

export interface CloudBackendPlan {
  readonly type: 'cloud';
  readonly organization: string;
  /** Its id (`org-…`), which the identity federation pins. */
  readonly organizationId: string;
  readonly project: string;
  readonly hostname: string;
  readonly agentPool?: string;
  /** Set when this folder creates the Terraform Cloud project (`createProject`), in `stackName`, once. */
  readonly createdProject?: { readonly stackName: string };
  /** The OIDC issuer's keys, for a Terraform Enterprise Google cannot reach; `undefined`: Google fetches them. */
  readonly jwksJson?: string;
  /** The workspace of each stack: `<workspacePrefix><env>-<stack>`. */
  readonly workspaces: Readonly<Record<StackKind, string>>;
  /** Workload Identity pool that trusts this organization's runs (4-32 characters). */
  readonly workloadIdentityPoolId: string;
  /** account_id of the service account the network and cluster workspaces apply as (6-30 characters). */
  readonly runServiceAccountId: string;
  /** account_id of the read-only service account the network and cluster workspaces plan as (6-30 characters). */
  readonly planServiceAccountId: string;
  /** account_id of the service account the workloads workspace plans and applies as (Kubernetes only). */
  readonly workloadsServiceAccountId: string;
}

/** A VPC and subnet another team owns: read, never created. */
export interface ExistingSubnetPlan {
  readonly project: string;
  readonly network: string;
  readonly subnetwork: string;
  readonly podRangeName: string;
}

export interface ClusterPlan {
  readonly name: string;
  readonly location: string;
  readonly regional: boolean;
  /** Zones every node pool runs in; `undefined` lets GKE pick (regional default). */
  readonly nodeLocations?: readonly string[];
  /** Number of zones a pool's `nodeCount` is multiplied by. */
  readonly zoneCount: number;
  /** `cluster.version` as written (a minor or a full GKE version); `undefined`: the release channel's default. */
  readonly version?: string;
  readonly releaseChannel: EnvironmentConfig['cluster']['releaseChannel'];
  readonly deletionProtection: boolean;
  readonly maxPodsPerNode: number;
  readonly privateNodes: boolean;
  readonly authorizedNetworks?: readonly { readonly cidr: string; readonly displayName: string }[];
  /** account_id of the dedicated node service account (6-30 characters). */
  readonly nodeServiceAccountId: string;
  /**
   * Who creates the node service account: the cluster stack, or (Terraform Cloud) the administrator's
   * `bootstrap-<env>`, so that the runs need no IAM administration role.
   */
  readonly nodeServiceAccountCreatedBy: 'cluster' | 'bootstrap';
  /** When GKE may upgrade; `undefined`: at any time. */
  readonly maintenancePolicy?: MaintenancePolicy;
}

export interface PrimaryNetworkPlan {
  /** Set when the cluster uses an existing VPC and subnet (the names below are then theirs). */
  readonly existing?: ExistingSubnetPlan & { readonly serviceRangeName: string };
  readonly vpcName: string;
  readonly subnetName: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly podRangeName: string;
  readonly serviceCidr: string;
  readonly serviceRangeName: string;
  readonly cloudNat: boolean;
}

export interface NodePoolPlan {
  readonly name: string;
  readonly machineType: string;
  /** From `vcpus`, else read from the machine type's name; undefined when neither says. */
  readonly vcpus?: number;
  readonly nodeCount: number;
  readonly autoscaling?: { readonly minNodeCount: number; readonly maxNodeCount: number };
  readonly diskSizeGb: number;
  readonly diskType: string;
  readonly spot: boolean;
}

export interface AdditionalNetworkPlan {
  /** Name in the environment file; the stable key of every construct and output of this network. */
  readonly key: string;
  /** Set when the network is an existing VPC and subnet (the names below are then theirs; no firewall is created). */
  readonly existing?: ExistingSubnetPlan;
  readonly vpcName: string;
  readonly subnetName: string;
  readonly firewallName: string;
  readonly nodeCidr: string;
  readonly podCidr: string;
  readonly podRangeName: string;
  readonly maxPodsPerNode: number;
  /** Node NIC this network arrives on (`eth1`, `eth2`, … in order). */
  readonly nodeInterface: string;
  readonly attachment: AttachmentPlan;
}

export interface AttachmentPlan {
  readonly name: string;
  readonly namespace: string;
  readonly mode: IpvlanMode;
  /** Who hands out addresses: Whereabouts over the whole range, or host-local over each node's alias block. */
  readonly ipam: 'whereabouts' | 'node-block';
  /**
   * With `node-block` only: prefix length of the alias block GKE gives each node's NIC in the pod range (from
   * maxPodsPerNode). The one place the node-block decision is made; the stack and the construct take it as it is.
   */
  readonly nodeBlockPrefix?: number;
  /**
   * Addresses one node can hand out at least with `node-block`: its block less its first and last address (the chart's
   * host-local bounds), less one more on the node whose block holds the range's first address (host-local's gateway);
   * `undefined` with Whereabouts (the whole range, shared by every node).
   */
  readonly addressesPerNode?: number;
  /** IPVLAN master: the explicit override, else the network's node NIC. */
  readonly master: string;
  readonly exclude: readonly string[];
  readonly rangeStart?: string;
  readonly rangeEnd?: string;
}

/** A problem found in one environment, before the file name is attached. */
export interface PlanProblem {
  readonly path: string;
  readonly message: string;
  /** Id of the rule that found it (rules.ts). */
  readonly rule?: string;
}

/** Bootstrap stacks are named `bootstrap-<env>`, so that `cdktf deploy '<env>-*'` never selects one. */
export const BOOTSTRAP_STACK_PREFIX = 'bootstrap-';

/** Derives the plan of a schema-valid environment. Never fails: cross-field checks are the rules' job. */
export function derivePlan(name: string, config: EnvironmentConfig): EnvironmentPlan {
  const c = config.cluster;
  const regional = !isZone(c.location);
  const primaryExisting = c.existing ? { ...c.existing, project: c.existing.project ?? config.project } : undefined;
  const backend = deriveBackend(name, config);
  const zoneCount = c.nodeLocations?.length ?? (regional ? DEFAULT_REGIONAL_ZONE_COUNT : 1);
  return {
    name,
    project: config.project,
    region: config.region,
    flowLogs: config.flowLogs.enabled
      ? { aggregationInterval: config.flowLogs.aggregationInterval, flowSampling: config.flowLogs.flowSampling, metadata: config.flowLogs.metadata }
      : false,
    production: config.production,
    labels: { multinet_environment: name, managed_by: 'cdktf' },
    waivers: config.policy.waivers,
    cluster: {
      name: c.name,
      location: c.location,
      regional,
      nodeLocations: c.nodeLocations,
      zoneCount,
      version: c.version,
      releaseChannel: c.releaseChannel,
      deletionProtection: c.deletionProtection,
      maxPodsPerNode: c.maxPodsPerNode,
      privateNodes: c.privateNodes,
      authorizedNetworks: c.authorizedNetworks,
      nodeServiceAccountId: nodeServiceAccountId(c.name),
      nodeServiceAccountCreatedBy: backend.type === 'cloud' ? 'bootstrap' : 'cluster',
      maintenancePolicy: c.maintenance,
    },
    primaryNetwork: {
      existing: primaryExisting,
      vpcName: primaryExisting?.network ?? `${c.name}-vpc`,
      subnetName: primaryExisting?.subnetwork ?? `${c.name}-nodes`,
      nodeCidr: c.nodeCidr,
      podCidr: c.podCidr,
      podRangeName: primaryExisting?.podRangeName ?? `${c.name}-pods`,
      serviceCidr: c.serviceCidr,
      serviceRangeName: primaryExisting?.serviceRangeName ?? `${c.name}-services`,
      cloudNat: c.cloudNat,
    },
    nodePools: config.nodePools.map((pool) => ({
      name: pool.name,
      machineType: pool.machineType,
      vcpus: pool.vcpus ?? vcpusOfMachineType(pool.machineType),
      nodeCount: pool.nodeCount,
      autoscaling: pool.autoscaling,
      diskSizeGb: pool.diskSizeGb,
      diskType: pool.diskType,
      spot: pool.spot,
    })),
    additionalNetworks: config.additionalNetworks.map((n, i) => {
      const existing = n.existing ? { ...n.existing, project: n.existing.project ?? config.project } : undefined;
      const nodeInterface = nodeNicOf(i);
      const nodeBlockPrefix = n.attachment.ipam === 'node-block' ? perNodePodBlockPrefix(n.maxPodsPerNode) : undefined;
      return {
        key: n.name,
        existing,
        vpcName: existing?.network ?? `${c.name}-${n.name}-vpc`,
        subnetName: existing?.subnetwork ?? `${c.name}-${n.name}`,
        firewallName: `${c.name}-${n.name}-allow-internal`,
        nodeCidr: n.nodeCidr,
        podCidr: n.podCidr,
        podRangeName: existing?.podRangeName ?? n.podRangeName ?? `${n.name}-pods`,
        maxPodsPerNode: n.maxPodsPerNode,
        nodeInterface,
        attachment: {
          name: n.attachment.name,
          namespace: n.attachment.namespace,
          mode: n.attachment.mode,
          ipam: n.attachment.ipam,
          nodeBlockPrefix,
          addressesPerNode: nodeBlockPrefix === undefined ? undefined : 2 ** (32 - nodeBlockPrefix) - 3,
          master: n.attachment.master ?? nodeInterface,
          exclude: n.attachment.exclude,
          rangeStart: n.attachment.rangeStart,
          rangeEnd: n.attachment.rangeEnd,
        },
      };
    }),
    examples: config.examples,
    requireCrossNodeTest: config.nodePools.reduce((sum, pool) => sum + (pool.autoscaling ? pool.autoscaling.minNodeCount : pool.nodeCount), 0) * zoneCount >= 2,
    backend,
    bootstrapStackName: backend.type === 'cloud' ? `${BOOTSTRAP_STACK_PREFIX}${name}` : undefined,
  };
}

function deriveBackend(env: string, config: EnvironmentConfig): BackendPlan {
  const b = config.backend;
  if (b.type === 'local') return { type: 'local' };
  if (b.type === 'gcs') {
    return {
      type: 'gcs',
      bucket: b.bucket,
      statePrefixes: Object.fromEntries(STACK_KINDS.map((k) => [k, `${b.prefix}/${env}-${k}`])) as Record<StackKind, string>,
      createdBucket: b.createBucket
        ? {
            stackName: stateBucketStackName(b.bucket),
            project: b.bucketProject ?? config.project,
            location: b.bucketLocation ?? config.region,
            keepNoncurrentVersions: b.keepNoncurrentVersions ?? DEFAULT_KEEP_NONCURRENT_STATE_VERSIONS,
          }
        : undefined,
    };
  }
  const accountPrefix = env.slice(0, 21).replace(/-+$/, '');
  return {
    type: 'cloud',
    organization: b.organization,
    organizationId: b.organizationId,
    project: b.project,
    hostname: b.hostname,
    agentPool: b.agentPool,
    createdProject: b.createProject ? { stackName: tfcProjectStackName(b.organization, b.project) } : undefined,
    jwksJson: b.jwksJson,
    workspaces: Object.fromEntries(STACK_KINDS.map((k) => [k, `${b.workspacePrefix}${env}-${k}`])) as Record<StackKind, string>,
    // Pool ids: 4-32 lowercase letters, digits and hyphens; service account ids: 6-30.
    workloadIdentityPoolId: `tfc-${env}`.slice(0, 32).replace(/-+$/, ''),
    runServiceAccountId: `${accountPrefix}-tfc-runs`,
    planServiceAccountId: `${accountPrefix}-tfc-plan`,
    workloadsServiceAccountId: `${accountPrefix}-tfc-k8s`,
  };
}
