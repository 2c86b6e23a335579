import { Construct } from 'constructs';
import { Fn, IResolvable, ITerraformDependable, ITerraformIterator, Op, Token, conditional } from 'cdktf';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ADDITIONAL_NETWORK_MAX_PODS_RANGE, CGROUP_MODES, CLUSTER_MAX_PODS_RANGE, CPU_MANAGER_POLICIES, MAX_ADDITIONAL_NETWORKS, MAX_NODES_PER_POOL_ZONE, MULTINET_IMAGE_TYPES, NODE_POOL_DEFAULTS, NODE_POOL_NAME_MAX, TAINT_EFFECTS, diskTypeProblem } from './facts';
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

/** kubelet settings of every node (the provider's `node_config.kubelet_config`, terraform-google-modules' names). */
export interface NodeKubeletConfig {
  /** `none` or `static` (exclusive CPUs for Guaranteed pods). */
  readonly cpuManagerPolicy: string;
  /** Enforce CPU limits with CFS quota. */
  readonly cpuCfsQuota?: boolean;
  /** CFS quota period, e.g. `100ms`. */
  readonly cpuCfsQuotaPeriod?: string;
  /** Most PIDs per pod. */
  readonly podPidsLimit?: number;
}

/** Linux settings of every node (the provider's `node_config.linux_node_config`). */
export interface NodeLinuxConfig {
  /** Kernel parameters, e.g. `{ "net.core.somaxconn": "4096" }`. */
  readonly sysctls?: Readonly<Record<string, string>>;
  /** `CGROUP_MODE_V1` or `CGROUP_MODE_V2`. */
  readonly cgroupMode?: string;
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
   * Node image: Container-Optimized OS (the guide's, whose CNI paths the chart writes to) or Ubuntu
   * (`MULTINET_IMAGE_TYPES`).
   * @default 'COS_CONTAINERD'
   */
  readonly imageType?: string;
  /**
   * gVNIC, Google's virtual NIC (needed for Tier_1 bandwidth), on every NIC of the nodes. Also a reference known only
   * to Terraform.
   * @default false: virtio-net, GKE's default
   */
  readonly gvnic?: boolean | IResolvable;
  /**
   * kubelet settings. Also a reference known only to Terraform to an object with the same keys in snake_case, or null.
   * @default GKE's
   */
  readonly kubeletConfig?: NodeKubeletConfig | IResolvable;
  /**
   * Linux kernel settings. Also a reference known only to Terraform (snake_case keys), or null.
   * @default GKE's
   */
  readonly linuxNodeConfig?: NodeLinuxConfig | IResolvable;
  /**
   * Surge upgrades: extra nodes created at a time.
   * @default 1
   */
  readonly maxSurge?: number;
  /**
   * Surge upgrades: nodes that may be unavailable at a time (with `maxSurge`, at least one of the two is above 0).
   * @default 0: never fewer nodes than asked for
   */
  readonly maxUnavailable?: number;
  /**
   * Max pods per node on the cluster's pod range for this pool (`CLUSTER_MAX_PODS_RANGE`); it sizes the block each
   * node takes from that range. Changing it replaces the pool.
   * @default the cluster's
   */
  readonly maxPodsPerNode?: number;
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

    const imageType = props.imageType ?? 'COS_CONTAINERD';
    if (!Token.isUnresolved(imageType) && !(MULTINET_IMAGE_TYPES as readonly string[]).includes(imageType)) {
      throw new Error(`${what}: imageType "${imageType}" must be ${MULTINET_IMAGE_TYPES.join(' or ')}: GKE runs multi-network pools on these only`);
    }
    const maxSurge = props.maxSurge ?? 1;
    const maxUnavailable = props.maxUnavailable ?? 0;
    checkInteger(what, 'maxSurge', maxSurge, 0, 100);
    checkInteger(what, 'maxUnavailable', maxUnavailable, 0, 100);
    if (!Token.isUnresolved(maxSurge) && !Token.isUnresolved(maxUnavailable) && maxSurge + maxUnavailable < 1) {
      throw new Error(`${what}: maxSurge ${maxSurge} and maxUnavailable ${maxUnavailable}: GKE needs one of them above 0 to upgrade`);
    }
    if (props.maxPodsPerNode !== undefined) checkInteger(what, 'maxPodsPerNode', props.maxPodsPerNode, CLUSTER_MAX_PODS_RANGE.min, CLUSTER_MAX_PODS_RANGE.max);
    const kubelet = props.kubeletConfig;
    if (kubelet && !Token.isUnresolved(kubelet)) {
      const policy = (kubelet as NodeKubeletConfig).cpuManagerPolicy;
      if (!Token.isUnresolved(policy) && !(CPU_MANAGER_POLICIES as readonly string[]).includes(policy)) {
        throw new Error(`${what}: kubeletConfig.cpuManagerPolicy "${policy}" must be ${CPU_MANAGER_POLICIES.join(' or ')}`);
      }
    }
    const linux = props.linuxNodeConfig;
    if (linux && !Token.isUnresolved(linux)) {
      const mode = (linux as NodeLinuxConfig).cgroupMode;
      if (mode !== undefined && !Token.isUnresolved(mode) && !(CGROUP_MODES as readonly string[]).includes(mode)) {
        throw new Error(`${what}: linuxNodeConfig.cgroupMode "${mode}" must be ${CGROUP_MODES.join(', ')}`);
      }
    }

    this.nodePool = new ContainerNodePool(this, 'node-pool', {
      project: props.project,
      cluster: props.cluster,
      location: props.location,
      namePrefix: `${props.name}-`,
      nodeLocations: props.nodeLocations ? [...props.nodeLocations] : undefined,
      ...sizing(nodeCount, autoscaling),
      maxPodsPerNode: props.maxPodsPerNode,
      // Nodes are repaired and patched by GKE; one surge node at a time, never fewer nodes than asked for.
      management: { autoRepair: true, autoUpgrade: true },
      upgradeSettings: { strategy: 'SURGE', maxSurge, maxUnavailable },
      nodeConfig: {
        machineType: props.machineType ?? NODE_POOL_DEFAULTS.machineType,
        diskSizeGb: props.diskSizeGb ?? NODE_POOL_DEFAULTS.diskSizeGb,
        diskType: props.diskType ?? NODE_POOL_DEFAULTS.diskType,
        spot: props.spot ?? false,
        // COS with containerd: the image the guide's manifest is written for (CNI binaries in /home/kubernetes/bin).
        imageType,
        gvnic: props.gvnic === undefined || Token.isUnresolved(props.gvnic) ? undefined : props.gvnic ? { enabled: true } : undefined,
        kubeletConfig:
          kubelet && !Token.isUnresolved(kubelet)
            ? {
                cpuManagerPolicy: (kubelet as NodeKubeletConfig).cpuManagerPolicy,
                cpuCfsQuota: (kubelet as NodeKubeletConfig).cpuCfsQuota,
                cpuCfsQuotaPeriod: (kubelet as NodeKubeletConfig).cpuCfsQuotaPeriod,
                podPidsLimit: (kubelet as NodeKubeletConfig).podPidsLimit,
              }
            : undefined,
        linuxNodeConfig:
          linux && !Token.isUnresolved(linux) ? { sysctls: (linux as NodeLinuxConfig).sysctls as Record<string, string> | undefined, cgroupMode: (linux as NodeLinuxConfig).cgroupMode } : undefined,
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
    // Settings known only to Terraform, each null for GKE's own: Terraform's dynamic blocks of zero or one element.
    if (props.gvnic !== undefined && Token.isUnresolved(props.gvnic)) {
      this.nodePool.addOverride('node_config.dynamic.gvnic', { for_each: conditional(props.gvnic, [true], []), content: { enabled: true } });
    }
    if (kubelet && Token.isUnresolved(kubelet)) {
      this.nodePool.addOverride('node_config.dynamic.kubelet_config', {
        for_each: conditional(Op.eq(kubelet, Token.nullValue()), [], [kubelet]),
        content: {
          cpu_manager_policy: '${kubelet_config.value.cpu_manager_policy}',
          cpu_cfs_quota: '${kubelet_config.value.cpu_cfs_quota}',
          cpu_cfs_quota_period: '${kubelet_config.value.cpu_cfs_quota_period}',
          pod_pids_limit: '${kubelet_config.value.pod_pids_limit}',
        },
      });
    }
    if (linux && Token.isUnresolved(linux)) {
      this.nodePool.addOverride('node_config.dynamic.linux_node_config', {
        for_each: conditional(Op.eq(linux, Token.nullValue()), [], [linux]),
        content: { sysctls: '${linux_node_config.value.sysctls}', cgroup_mode: '${linux_node_config.value.cgroup_mode}' },
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

