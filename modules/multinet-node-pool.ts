import { Construct } from 'constructs';
import { Fn, IResolvable, ITerraformDependable, ITerraformIterator, Op, Token, conditional } from 'cdktf';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ADDITIONAL_NETWORK_MAX_PODS_RANGE, MAX_ADDITIONAL_NETWORKS, MAX_NODES_PER_POOL_ZONE, NODE_POOL_DEFAULTS, NODE_POOL_NAME_MAX, TAINT_EFFECTS, diskTypeProblem } from './facts';
import { checkGcpName, checkInteger } from './validate';

/** One additional network a node pool attaches to: an extra node NIC and a pod range on it. */
export interface NodePoolNetwork {
  /** Name (not self link: the GKE API stores names) of the additional VPC. */
  readonly network: string;
  /** Name of its subnet (the extra NIC's range). */
  readonly subnetwork: string;
  /** Secondary range of `subnetwork` for pods on this network. */
  readonly podRangeName: string;
  /** Max pods per node on this network (`ADDITIONAL_NETWORK_MAX_PODS_RANGE`); sizes the block GKE reserves per node. */
  readonly maxPodsPerNode: number;
}

export interface NodePoolAutoscaling {
  /** Fewest nodes per zone. */
  readonly minNodeCount: number;
  /** Most nodes per zone. */
  readonly maxNodeCount: number;
}

/** A Kubernetes taint GKE puts on every node of the pool. */
export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  /** GKE's spelling: NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE. */
  readonly effect: 'NO_SCHEDULE' | 'PREFER_NO_SCHEDULE' | 'NO_EXECUTE';
}

export interface MultinetNodePoolProps {
  /** Pool name; the pool's real name is this plus a random suffix, so a replacement can be created first. */
  readonly name: string;
  /** Cluster name or id. */
  readonly cluster: string;
  /** Zone or region of the cluster. */
  readonly location: string;
  /** Project of the cluster. */
  readonly project: string;
  /** Email of the node service account. */
  readonly serviceAccount: string;
  /**
   * Additional networks, in NIC order: the k-th one becomes eth<k> on every node. Also a reference to a list known
   * only to Terraform (a module variable) of objects with `network`, `subnetwork`, `pod_range_name` and
   * `max_pods_per_node`: the pool then gets dynamic blocks.
   * @default [] (eth0 only)
   */
  readonly additionalNetworks?: readonly NodePoolNetwork[] | IResolvable;
  /**
   * Zones of the pool.
   * @default the cluster's zones
   */
  readonly nodeLocations?: readonly string[];
  /**
   * Machine type.
   * @default NODE_POOL_DEFAULTS.machineType
   */
  readonly machineType?: string;
  /**
   * Nodes per zone (the initial count when `autoscaling` is set).
   * @default 1
   */
  readonly nodeCount?: number;
  /**
   * Cluster autoscaler bounds per zone. Also a reference to an object with `min_node_count` and `max_node_count`, or
   * null (a module variable): the pool then autoscales only when it is set.
   * @default no autoscaling
   */
  readonly autoscaling?: NodePoolAutoscaling | IResolvable;
  /**
   * Boot disk size in GB.
   * @default NODE_POOL_DEFAULTS.diskSizeGb
   */
  readonly diskSizeGb?: number;
  /**
   * Boot disk type.
   * @default NODE_POOL_DEFAULTS.diskType
   */
  readonly diskType?: string;
  /**
   * Use Spot VMs.
   * @default false
   */
  readonly spot?: boolean | IResolvable;
  /**
   * Nodes get no external IP address.
   * @default true
   */
  readonly privateNodes?: boolean | IResolvable;
  /**
   * Kubernetes labels of every node (`node_config.labels`). Also a reference known only to Terraform.
   * @default none
   */
  readonly labels?: Readonly<Record<string, string>> | IResolvable;
  /**
   * Kubernetes taints of every node. Multus and Whereabouts tolerate every taint; the chart's `helm test` pods take
   * `tests.tolerations`. Also a reference known only to Terraform to a list of `{ key, value, effect }`.
   * @default none
   */
  readonly taints?: readonly NodeTaint[] | IResolvable;
  /**
   * Network tags of every node, for firewall rules and routes that target them. Also a reference known only to
   * Terraform.
   * @default none
   */
  readonly networkTags?: readonly string[] | IResolvable;
  /**
   * Resources the pool waits for: the node service account's role bindings (`MultinetCluster.nodeServiceAccountBindings`),
   * so no node boots before it may write logs and metrics or pull images.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Create one pool per element (Terraform `for_each`), the other props then referring to the iterator's values.
   * @default one pool
   */
  readonly forEach?: ITerraformIterator;
}

/**
 * A GKE node pool whose nodes carry one extra NIC per additional network, with a pod range on each
 * (the guide's `--additional-node-network` / `--additional-pod-network`).
 *
 * The provider replaces a pool when its `network_config` changes. The pool is therefore created before the
 * old one is destroyed (`create_before_destroy`, with a generated name suffix): workloads move to the new
 * nodes instead of losing every node at once. The ranges must have room for both pools during the swap.
 */
export class MultinetNodePool extends Construct {
  readonly nodePool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: MultinetNodePoolProps) {
    super(scope, id);
    const what = `MultinetNodePool "${id}"`;
    // GKE pool names have at most 40 characters and name_prefix appends 26: "<name>-" has 14 at most.
    checkGcpName(what, 'name', props.name, NODE_POOL_NAME_MAX);
    const machineType = props.machineType ?? NODE_POOL_DEFAULTS.machineType;
    const diskType = props.diskType ?? NODE_POOL_DEFAULTS.diskType;
    const diskProblem = Token.isUnresolved(machineType) || Token.isUnresolved(diskType) ? undefined : diskTypeProblem(machineType, diskType);
    if (diskProblem) throw new Error(`${what}: diskType "${diskType}" does not boot machineType "${machineType}": ${diskProblem}`);
    const nodeCount = props.nodeCount ?? 1;
    checkInteger(what, 'nodeCount', nodeCount, 0, MAX_NODES_PER_POOL_ZONE);
    const networks = props.additionalNetworks ?? [];
    if (Array.isArray(networks)) {
      if (networks.length > MAX_ADDITIONAL_NETWORKS) throw new Error(`${what}: additionalNetworks has ${networks.length} entries; a VM has at most ${MAX_ADDITIONAL_NETWORKS + 1} NICs (eth0 + ${MAX_ADDITIONAL_NETWORKS})`);
      networks.forEach((n, i) => checkInteger(what, `additionalNetworks[${i}].maxPodsPerNode`, n.maxPodsPerNode, ADDITIONAL_NETWORK_MAX_PODS_RANGE.min, ADDITIONAL_NETWORK_MAX_PODS_RANGE.max));
    }
    const autoscaling = props.autoscaling;
    if (autoscaling && !Token.isUnresolved(autoscaling)) {
      const { minNodeCount, maxNodeCount } = autoscaling as NodePoolAutoscaling;
      checkInteger(what, 'autoscaling.minNodeCount', minNodeCount, 0, MAX_NODES_PER_POOL_ZONE);
      checkInteger(what, 'autoscaling.maxNodeCount', maxNodeCount, Math.max(1, minNodeCount), MAX_NODES_PER_POOL_ZONE);
    }
    const taints = props.taints;
    if (Array.isArray(taints)) {
      taints.forEach((t, i) => {
        if (!(TAINT_EFFECTS as readonly string[]).includes(t.effect)) throw new Error(`${what}: taints[${i}].effect "${t.effect}" must be ${TAINT_EFFECTS.join(', ')}`);
      });
    }

    this.nodePool = new ContainerNodePool(this, 'node-pool', {
      project: props.project,
      cluster: props.cluster,
      location: props.location,
      namePrefix: `${props.name}-`,
      nodeLocations: props.nodeLocations ? [...props.nodeLocations] : undefined,
      ...sizing(nodeCount, autoscaling),
      // Nodes are repaired and patched by GKE; one surge node at a time, never fewer nodes than asked for.
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: props.machineType ?? NODE_POOL_DEFAULTS.machineType,
        diskSizeGb: props.diskSizeGb ?? NODE_POOL_DEFAULTS.diskSizeGb,
        diskType: props.diskType ?? NODE_POOL_DEFAULTS.diskType,
        spot: props.spot ?? false,
        // COS with containerd: the image the guide's manifest is written for (CNI binaries in /home/kubernetes/bin).
        imageType: 'COS_CONTAINERD',
        serviceAccount: props.serviceAccount,
        // Access is bounded by the service account's IAM roles; the scope only stops being a second gate.
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        // Secure boot and integrity monitoring: nodes boot only signed kernels and modules.
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        // Pods see the GKE metadata server, not the node's credentials (Workload Identity).
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        // The legacy metadata endpoints answer without the Metadata-Flavor header (SSRF-prone).
        metadata: { 'disable-legacy-endpoints': 'true' },
        labels: props.labels as Record<string, string> | undefined,
        tags: props.networkTags as string[] | undefined,
        taint: Array.isArray(taints) && taints.length > 0 ? taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })) : undefined,
      },
      networkConfig: {
        enablePrivateNodes: props.privateNodes ?? true,
        // Bare names, also for a Shared VPC host project's networks. GKE's API (cluster_service.proto,
        // AdditionalNodeNetworkConfig / AdditionalPodNetworkConfig) calls these "Name of the VPC/subnetwork" and has no
        // project field; gcloud's reference and the provider's acceptance test (v6.50.0,
        // TestAccContainerNodePool_withMultiNicNetworkConfig: `.name`, empty second plan) use names; the provider sends
        // them verbatim and they force replacement, so a form GKE echoes differently would replace every pool at the
        // second plan. GKE wants every NIC of a Shared VPC cluster in the host project, where it resolves the names.
        // What GKE returns for a host-project NIC is not documented: docs/existing-networks.md, "Shared VPC", says how to confirm it.
        ...(Array.isArray(networks)
          ? {
              additionalNodeNetworkConfigs: networks.map((n) => ({ network: n.network, subnetwork: n.subnetwork })),
              additionalPodNetworkConfigs: networks.map((n) => ({ subnetwork: n.subnetwork, secondaryPodRange: n.podRangeName, maxPodsPerNode: n.maxPodsPerNode })),
            }
          : {}),
      },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      forEach: props.forEach,
      lifecycle: {
        createBeforeDestroy: true,
        // initial_node_count forces a new pool (terraform-provider-google resource_container_node_pool.go: "Changing
        // this will force recreation"); it only matters at creation, and the autoscaler owns the count afterwards.
        ignoreChanges: ['initial_node_count'],
      },
    });
    if (!Array.isArray(networks)) {
      // Written as Terraform dynamic blocks, each with its own iterator: cdktf's iterator.dynamic() names every
      // iterator `each`, which inside a for_each pool is the pool's own `each` (hashicorp/terraform #22574). NIC order is
      // eth<k> order: iterate a map keyed "00", "01", … (Terraform walks map keys in order), never a set.
      const list = networks as IResolvable;
      const ordered = Fn.zipmap(Fn.formatlist('%02d', [Fn.range(0, Fn.lengthOf(list))]), list);
      this.nodePool.addOverride('network_config.dynamic.additional_node_network_configs', {
        for_each: ordered,
        iterator: 'nic',
        content: { network: '${nic.value.network}', subnetwork: '${nic.value.subnetwork}' },
      });
      this.nodePool.addOverride('network_config.dynamic.additional_pod_network_configs', {
        for_each: ordered,
        iterator: 'pod_network',
        content: {
          subnetwork: '${pod_network.value.subnetwork}',
          secondary_pod_range: '${pod_network.value.pod_range_name}',
          max_pods_per_node: '${pod_network.value.max_pods_per_node}',
        },
      });
    }
    if (taints !== undefined && !Array.isArray(taints)) {
      this.nodePool.addOverride('node_config.dynamic.taint', {
        for_each: taints,
        iterator: 'taint',
        content: { key: '${taint.value.key}', value: '${taint.value.value}', effect: '${taint.value.effect}' },
      });
    }
    if (autoscaling && Token.isUnresolved(autoscaling)) {
      // A single nested block cannot be a dynamic expression in cdktf: written as Terraform's own dynamic block.
      this.nodePool.addOverride('dynamic.autoscaling', {
        for_each: conditional(Op.eq(autoscaling, Token.nullValue()), [], [autoscaling]),
        content: { min_node_count: '${autoscaling.value.min_node_count}', max_node_count: '${autoscaling.value.max_node_count}' },
      });
    }
  }
}

/** Node count settings: a fixed count, or an initial count and autoscaler bounds (decided by Terraform for a reference). */
function sizing(nodeCount: number, autoscaling: NodePoolAutoscaling | IResolvable | undefined) {
  if (!autoscaling) return { nodeCount };
  if (!Token.isUnresolved(autoscaling)) {
    const bounds = autoscaling as NodePoolAutoscaling;
    return { initialNodeCount: nodeCount, autoscaling: { minNodeCount: bounds.minNodeCount, maxNodeCount: bounds.maxNodeCount } };
  }
  // node_count and initial_node_count exclude each other: whichever does not apply is null.
  const fixed = Op.eq(autoscaling, Token.nullValue());
  return {
    nodeCount: Token.asNumber(conditional(fixed, nodeCount, Token.nullValue())),
    initialNodeCount: Token.asNumber(conditional(fixed, Token.nullValue(), nodeCount)),
  };
}

