import { Construct } from 'constructs';
import { Fn, IResolvable, Op, Token } from 'cdktf';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { DataGoogleContainerEngineVersions } from '@cdktf/provider-google/lib/data-google-container-engine-versions';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { hclExpression, hclOperand, hclTemplate, hclValue } from './hcl-expression';
import { checkCidr, checkGcpName, checkInteger, checkLabels } from './validate';

/** Oldest GKE version a private multi-network cluster can be created at (see stacks/environment/gke.ts). */
export const MIN_CLUSTER_VERSION = { major: 1, minor: 29 } as const;

export interface AuthorizedNetwork {
  /** Source range allowed to reach the control plane. */
  readonly cidr: string;
  /** Label shown in the console. */
  readonly displayName: string;
}

export interface MultinetClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** Zone or region of the cluster. */
  readonly location: string;
  /** Project of the cluster and its node service account; also names the Workload Identity pool. */
  readonly project: string;
  /** Self link or id of the primary VPC. */
  readonly network: string;
  /** Self link or id of the primary subnet. */
  readonly subnetwork: string;
  /** Secondary range of `subnetwork` for pods. */
  readonly podRangeName: string;
  /** Secondary range of `subnetwork` for Services. */
  readonly serviceRangeName: string;
  /**
   * Minimum control-plane version: a minor (`1.33`) or a full GKE version (`1.33.5-gke.1080000`), 1.29 or later.
   * Resolved at plan time by `google_container_engine_versions` to the newest version of the release channel that
   * matches; a precondition fails the plan, naming what the channel offers, when none does.
   * @default the release channel's default version: GKE picks it and nothing is pinned
   */
  readonly version?: string;
  /**
   * Release channel.
   * @default 'REGULAR'
   */
  readonly releaseChannel?: string;
  /**
   * Refuse to destroy the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean | IResolvable;
  /**
   * Nodes get no external IP address.
   * @default true
   */
  readonly privateNodes?: boolean | IResolvable;
  /**
   * Ranges allowed to reach the public control-plane endpoint. Also a reference to a list known only to Terraform
   * (a module variable) of objects with `cidr_block` and `display_name`; an empty list restricts nothing.
   * @default no restriction (access still requires IAM)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[] | IResolvable;
  /**
   * Default max pods per node on the primary pod range (8-256).
   * @default 110
   */
  readonly maxPodsPerNode?: number;
  /**
   * Labels of the cluster (GCP labels: keys start with a lowercase letter; keys and values are at most 63 lowercase
   * letters, digits, `_` and `-`). Also a reference to a map known only to Terraform.
   * @default { managed_by: 'gke-multinet' }
   */
  readonly resourceLabels?: Readonly<Record<string, string>> | IResolvable;
  /**
   * account_id of the dedicated node service account (6-30 characters).
   * @default `${name}-nodes`
   */
  readonly nodeServiceAccountId?: string;
}

/** Labels of a cluster whose props name none. */
export const DEFAULT_CLUSTER_LABELS: Readonly<Record<string, string>> = { managed_by: 'gke-multinet' };

/** Roles the node service account needs and nothing more (GKE's least-privilege node SA). */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/autoscaling.metricsWriter',
  'roles/artifactregistry.reader',
] as const;

/**
 * A GKE Standard cluster ready for Multus: Dataplane V2, VPC-native (IP alias) and multi-networking, with
 * the default node pool removed (node pools with extra NICs are added by `MultinetNodePool`) and a
 * dedicated least-privilege service account for the nodes.
 */
export class MultinetCluster extends Construct {
  readonly cluster: ContainerCluster;
  readonly nodeServiceAccount: ServiceAccount;
  /** Email of the node service account, for `MultinetNodePool.serviceAccount`. */
  readonly nodeServiceAccountEmail: string;
  /**
   * The node service account's role bindings. Nodes must start only after these exist (they write logs and metrics
   * and pull images from their first minute): pass them to `MultinetNodePool.dependsOn`.
   */
  readonly nodeServiceAccountBindings: readonly ProjectIamMember[];
  /** The versions GKE offers at the cluster's location, read at plan time when `version` is set. */
  readonly versions?: DataGoogleContainerEngineVersions;

  constructor(scope: Construct, id: string, props: MultinetClusterProps) {
    super(scope, id);
    const what = `MultinetCluster "${id}"`;
    checkGcpName(what, 'name', props.name, 40);
    const accountId = props.nodeServiceAccountId ?? `${props.name}-nodes`;
    checkGcpName(what, 'nodeServiceAccountId', accountId, 30);
    if (accountId.length < 6) throw new Error(`${what}: nodeServiceAccountId "${accountId}" must be 6 to 30 characters`);
    const authorized = props.authorizedNetworks;
    const labels = props.resourceLabels ?? DEFAULT_CLUSTER_LABELS;
    if (!Token.isUnresolved(labels)) checkLabels(what, 'resourceLabels', labels as Record<string, string>);
    if (Array.isArray(authorized)) authorized.forEach((n, i) => checkCidr(what, `authorizedNetworks[${i}].cidr`, n.cidr));
    checkInteger(what, 'maxPodsPerNode', props.maxPodsPerNode ?? 110, 8, 256);
    const channel = props.releaseChannel ?? 'REGULAR';
    if (props.version !== undefined && !Token.isUnresolved(props.version)) {
      const match = /^(\d+)\.(\d+)(\.\d+-gke\.\d+)?$/.exec(props.version);
      if (!match) throw new Error(`${what}: version "${props.version}" is not a GKE minor (1.33) or full GKE version (1.33.5-gke.1080000)`);
      const [major, minor] = [Number(match[1]), Number(match[2])];
      if (major < MIN_CLUSTER_VERSION.major || (major === MIN_CLUSTER_VERSION.major && minor < MIN_CLUSTER_VERSION.minor)) {
        throw new Error(`${what}: version "${props.version}" is older than ${MIN_CLUSTER_VERSION.major}.${MIN_CLUSTER_VERSION.minor}, the first GKE version whose private clusters get a Private Service Connect control plane`);
      }
    }

    this.nodeServiceAccount = new ServiceAccount(this, 'node-sa', {
      project: props.project,
      accountId,
      displayName: `GKE nodes of ${props.name}`,
      description: 'Dedicated node identity: the Compute Engine default account has project Editor',
    });
    this.nodeServiceAccountEmail = this.nodeServiceAccount.email;
    this.nodeServiceAccountBindings = NODE_SERVICE_ACCOUNT_ROLES.map(
      (role) =>
        new ProjectIamMember(this, `node-sa-${role.replace('roles/', '').replace(/\./g, '-')}`, {
          project: props.project,
          role,
          member: this.nodeServiceAccount.member,
        }),
    );

    // A version written in a file ages out of GKE's channels; resolve it at plan time instead, within the channel, and
    // fail the plan with what GKE offers when nothing matches (google_container_engine_versions: version_prefix filters
    // valid_master_versions and each channel's valid versions; release_channel_latest_version[channel] is the newest
    // match in that channel). min_master_version is a floor: the provider only ever upgrades the master to it.
    let minMasterVersion: string | undefined;
    let precondition: { condition: unknown; errorMessage: string } | undefined;
    if (props.version !== undefined && (Token.isUnresolved(props.version) || Token.isUnresolved(channel))) {
      // Known only to Terraform (a module variable, possibly null): the same resolution, written as HCL.
      const version = hclOperand(this, 'version', props.version);
      const releaseChannel = hclOperand(this, 'release-channel', channel);
      const versions = new DataGoogleContainerEngineVersions(this, 'versions', {
        project: props.project,
        location: props.location,
        versionPrefix: hclExpression(
          () => `${version.text()} == null ? "" : (can(regex("^[0-9]+[.][0-9]+$", ${version.text()})) ? "\${${version.text()}}." : ${version.text()})`,
        ),
      });
      this.versions = versions;
      const data = () => versions.fqn;
      minMasterVersion = hclExpression(
        () =>
          `${version.text()} == null ? null : (${releaseChannel.text()} == "UNSPECIFIED" ? ${data()}.latest_master_version : try(${data()}.release_channel_latest_version[${releaseChannel.text()}], ""))`,
      );
      precondition = {
        condition: hclValue(
          () =>
            `${version.text()} == null || (${releaseChannel.text()} == "UNSPECIFIED" ? length(${data()}.valid_master_versions) >= 1 : contains(keys(${data()}.release_channel_latest_version), ${releaseChannel.text()}))`,
        ),
        errorMessage: hclTemplate(
          () =>
            `GKE offers no version matching "\${${version.text()}}" in the \${${releaseChannel.text()}} release channel at ${props.location}; the channel's default is \${lookup(${data()}.release_channel_default_version, ${releaseChannel.text()}, "unknown")} (versions matching outside the channel: \${coalesce(join(", ", ${data()}.valid_master_versions), "none")}). Set a newer version, or none to follow the channel's default.`,
        ),
      };
    } else if (props.version !== undefined) {
      const prefix = /^\d+\.\d+$/.test(props.version) ? `${props.version}.` : props.version;
      const versions = new DataGoogleContainerEngineVersions(this, 'versions', {
        project: props.project,
        location: props.location,
        versionPrefix: prefix,
      });
      this.versions = versions;
      const elsewhere = `versions matching "${props.version}" outside the channel: ${Fn.coalesce([Fn.join(', ', versions.validMasterVersions), 'none'])}`;
      if (channel === 'UNSPECIFIED') {
        minMasterVersion = versions.latestMasterVersion;
        precondition = {
          condition: Op.gte(Fn.lengthOf(versions.validMasterVersions), 1),
          errorMessage: `GKE offers no version matching "${props.version}" at ${props.location}; its default is ${versions.defaultClusterVersion}. Set a newer version, or none to take GKE's default.`,
        };
      } else {
        // try(): a channel with no match must reach the precondition below, not fail the plan as a missing map key.
        minMasterVersion = Fn.try([Fn.lookupNested(versions.releaseChannelLatestVersion, [channel]), '']);
        precondition = {
          condition: Fn.contains(Fn.keys(versions.releaseChannelLatestVersion), channel),
          errorMessage: `GKE offers no version matching "${props.version}" in the ${channel} release channel at ${props.location}; the channel's default is ${Fn.lookup(versions.releaseChannelDefaultVersion, channel, 'unknown')} (${elsewhere}). Set a newer version, or none to follow the channel's default.`,
        };
      }
    }

    this.cluster = new ContainerCluster(this, 'cluster', {
      project: props.project,
      name: props.name,
      location: props.location,
      network: props.network,
      subnetwork: props.subnetwork,
      minMasterVersion,
      // A release channel keeps the control plane and nodes on patched versions.
      releaseChannel: { channel },
      // Labels say who owns the cluster and what it costs; policy (CKV_GCP_21) wants them.
      // A reference (module variable) resolves to the map itself.
      resourceLabels: labels as Record<string, string>,
      // One mistaken destroy would take every workload and its state with it: opt out explicitly.
      deletionProtection: props.deletionProtection ?? true,
      // Node pools carry the extra NICs; the default pool cannot, so it is created once and removed.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      // Dataplane V2, IP alias and multi-networking: the guide's three prerequisites for Multus.
      datapathProvider: 'ADVANCED_DATAPATH',
      networkingMode: 'VPC_NATIVE',
      enableMultiNetworking: true,
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.podRangeName,
        servicesSecondaryRangeName: props.serviceRangeName,
      },
      defaultMaxPodsPerNode: props.maxPodsPerNode ?? 110,
      // Pods get Google credentials through Workload Identity, never from the node's service account.
      workloadIdentityConfig: { workloadPool: `${props.project}.svc.id.goog` },
      // Shielded nodes: the kubelet's identity is verified, so a compromised VM cannot impersonate a node.
      enableShieldedNodes: true,
      // Legacy ABAC bypasses RBAC.
      enableLegacyAbac: false,
      // No long-lived client certificate that cannot be revoked.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      // Private nodes: no external IP on any node; the control plane stays reachable for Terraform.
      privateClusterConfig: { enablePrivateNodes: props.privateNodes ?? true, enablePrivateEndpoint: false },
      masterAuthorizedNetworksConfig: Array.isArray(authorized)
        ? { cidrBlocks: authorized.map((n) => ({ cidrBlock: n.cidr, displayName: n.displayName })) }
        : undefined,
      // The throw-away default pool still boots once: give it the dedicated identity too.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      // The default pool's nodes boot with the node service account too: its roles first.
      dependsOn: [...this.nodeServiceAccountBindings],
      lifecycle: {
        // node_config describes the removed default pool only; later reads would show a diff that forces replacement.
        ignoreChanges: ['node_config'],
        precondition: precondition ? [precondition] : undefined,
      },
    });
    if (authorized !== undefined && !Array.isArray(authorized)) {
      // Only a non-empty list may produce the block: an empty master_authorized_networks_config admits nobody.
      const list = hclOperand(this, 'authorized-networks', authorized);
      this.cluster.addOverride('dynamic.master_authorized_networks_config', {
        for_each: hclValue(() => `length(coalesce(${list.text()}, [])) > 0 ? [1] : []`),
        content: {
          dynamic: {
            cidr_blocks: {
              for_each: hclValue(() => list.text()),
              iterator: 'authorized',
              content: { cidr_block: '${authorized.value.cidr_block}', display_name: '${authorized.value.display_name}' },
            },
          },
        },
      });
    }
  }
}
