import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { checkCidr, checkGcpName } from './validate';

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
  /** Minimum control-plane version; multi-networking needs 1.28 or later. */
  readonly minMasterVersion: string;
  /**
   * Release channel.
   * @default 'REGULAR'
   */
  readonly releaseChannel?: string;
  /**
   * Refuse to destroy the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Nodes get no external IP address.
   * @default true
   */
  readonly privateNodes?: boolean;
  /**
   * Ranges allowed to reach the public control-plane endpoint.
   * @default no restriction (access still requires IAM)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[];
  /**
   * Default max pods per node on the primary pod range.
   * @default 110
   */
  readonly maxPodsPerNode?: number;
  /**
   * account_id of the dedicated node service account (6-30 characters).
   * @default `${name}-nodes`
   */
  readonly nodeServiceAccountId?: string;
}

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

  constructor(scope: Construct, id: string, props: MultinetClusterProps) {
    super(scope, id);
    const what = `MultinetCluster "${id}"`;
    checkGcpName(what, 'name', props.name, 40);
    const accountId = props.nodeServiceAccountId ?? `${props.name}-nodes`;
    checkGcpName(what, 'nodeServiceAccountId', accountId, 30);
    if (accountId.length < 6) throw new Error(`${what}: nodeServiceAccountId "${accountId}" must be 6 to 30 characters`);
    (props.authorizedNetworks ?? []).forEach((n, i) => checkCidr(what, `authorizedNetworks[${i}].cidr`, n.cidr));

    this.nodeServiceAccount = new ServiceAccount(this, 'node-sa', {
      project: props.project,
      accountId,
      displayName: `GKE nodes of ${props.name}`,
      description: 'Dedicated node identity: the Compute Engine default account has project Editor',
    });
    this.nodeServiceAccountEmail = this.nodeServiceAccount.email;
    for (const role of NODE_SERVICE_ACCOUNT_ROLES) {
      new ProjectIamMember(this, `node-sa-${role.replace('roles/', '').replace(/\./g, '-')}`, {
        project: props.project,
        role,
        member: this.nodeServiceAccount.member,
      });
    }

    this.cluster = new ContainerCluster(this, 'cluster', {
      project: props.project,
      name: props.name,
      location: props.location,
      network: props.network,
      subnetwork: props.subnetwork,
      minMasterVersion: props.minMasterVersion,
      // A release channel keeps the control plane and nodes on patched versions.
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
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
      masterAuthorizedNetworksConfig: props.authorizedNetworks
        ? { cidrBlocks: props.authorizedNetworks.map((n) => ({ cidrBlock: n.cidr, displayName: n.displayName })) }
        : undefined,
      // The throw-away default pool still boots once: give it the dedicated identity too.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccount.email,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      // node_config describes the removed default pool only; later reads would show a diff that forces replacement.
      lifecycle: { ignoreChanges: ['node_config'] },
    });
  }
}
