import { Construct } from 'constructs';
import { IResolvable, Token } from 'cdktf';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { DataGoogleContainerEngineVersions } from '@cdktf/provider-google/lib/data-google-container-engine-versions';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { DEFAULT_RELEASE_CHANNEL, DEFAULT_CLUSTER_MAX_PODS, CLUSTER_MAX_PODS_RANGE, CLUSTER_NAME_MAX, MIN_GKE_VERSION, MaintenancePolicy, gkeVersionPrefix, isAtLeast, maintenanceProblems, nodeServiceAccountId, parseGkeVersion } from './facts';

export type { MaintenanceExclusion, MaintenancePolicy } from './facts';
import { addNodeServiceAccount } from './node-service-account';
import { hclExpression, hclOperand, hclTemplate, hclValue } from './hcl-expression';
import { checkCidr, checkGcpName, checkInteger, checkLabels } from './validate';

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
   * Minimum control-plane version: a minor (`1.33`) or a full GKE version (`1.33.5-gke.1080000`), `MIN_GKE_VERSION` (modules/facts/gke.ts) or later.
   * Resolved at plan time by `google_container_engine_versions` to the newest version of the release channel that
   * matches; a precondition fails the plan, naming what the channel offers, when none does.
   * @default the release channel's default version: GKE picks it and nothing is pinned
   */
  readonly version?: string;
  /**
   * Release channel.
   * @default DEFAULT_RELEASE_CHANNEL (modules/facts/gke.ts)
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
   * The control plane answers on its private endpoint only (`enable_private_endpoint`): no public address at all;
   * Terraform, kubectl and helm must then run inside the VPC (or a network peered or connected to it).
   * @default false: a public endpoint, restricted by `authorizedNetworks`
   */
  readonly privateEndpoint?: boolean | IResolvable;
  /**
   * The private endpoint answers clients in every region of the VPC, not only the cluster's
   * (`master_global_access_config`).
   * @default not set: GKE's default, the cluster's region only
   */
  readonly privateEndpointGlobalAccess?: boolean | IResolvable;
  /**
   * Ranges allowed to reach the public control-plane endpoint. Also a reference to a list known only to Terraform
   * (a module variable) of objects with `cidr_block` and `display_name`; an empty list restricts nothing.
   * @default no restriction (access still requires IAM)
   */
  readonly authorizedNetworks?: readonly AuthorizedNetwork[] | IResolvable;
  /**
   * Default max pods per node on the primary pod range (`CLUSTER_MAX_PODS_RANGE`).
   * @default DEFAULT_CLUSTER_MAX_PODS
   */
  readonly maxPodsPerNode?: number;
  /**
   * Labels of the cluster (GCP labels: keys start with a lowercase letter; keys and values are at most 63 lowercase
   * letters, digits, `_` and `-`). Also a reference to a map known only to Terraform.
   * @default { managed_by: 'gke-multinet' }
   */
  readonly resourceLabels?: Readonly<Record<string, string>> | IResolvable;
  /**
   * account_id of the dedicated node service account (6-30 characters) the cluster creates, with its roles.
   * @default `nodeServiceAccountId(name)`: the first 23 characters of `name`, then `-nodes` (modules/facts/names.ts)
   */
  readonly nodeServiceAccountId?: string;
  /**
   * E-mail of a node service account that exists already, e.g. one an administrator created with `NodeServiceAccount`
   * (it needs `NODE_SERVICE_ACCOUNT_ROLES`): nothing is created and no role is granted, so whoever applies needs no IAM
   * administration roles, only `roles/iam.serviceAccountUser` on that account.
   * @default a dedicated account, `nodeServiceAccountId`, created with its roles
   */
  readonly nodeServiceAccount?: string;
  /**
   * A reference known only to Terraform (a module variable) to an e-mail or null: the dedicated account and its roles
   * are created only when it is null (`count`), as `nodeServiceAccountId`; otherwise the e-mail is used as is.
   * @default not used
   */
  readonly nodeServiceAccountOrNull?: string;
  /**
   * When GKE may upgrade the control plane and nodes: one recurring window and up to 20 exclusions. Also a reference
   * known only to Terraform to an object `{ window = { start_time, end_time, recurrence }, exclusions = [{ name,
   * start_time, end_time, scope }] }`, or null for none.
   * @default none: GKE upgrades at any time
   */
  readonly maintenancePolicy?: MaintenancePolicy | IResolvable;
}

/** Labels of a cluster whose props name none. */
export const DEFAULT_CLUSTER_LABELS: Readonly<Record<string, string>> = { managed_by: 'gke-multinet' };

/**
 * A GKE Standard cluster ready for Multus: Dataplane V2, VPC-native (IP alias) and multi-networking, with
 * the default node pool removed (node pools with extra NICs are added by `MultinetNodePool`) and a
 * dedicated least-privilege service account for the nodes.
 */
export class MultinetCluster extends Construct {
  readonly cluster: ContainerCluster;
  /** The node service account the cluster created; `undefined` when `nodeServiceAccount` names an existing one. */
  readonly nodeServiceAccount?: ServiceAccount;
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
    checkGcpName(what, 'name', props.name, CLUSTER_NAME_MAX);
    if (props.nodeServiceAccount !== undefined && props.nodeServiceAccountId !== undefined) {
      throw new Error(`${what}: nodeServiceAccount "${props.nodeServiceAccount}" names an existing account; nodeServiceAccountId "${props.nodeServiceAccountId}" would create another: give one of them`);
    }
    const authorized = props.authorizedNetworks;
    const labels = props.resourceLabels ?? DEFAULT_CLUSTER_LABELS;
    if (!Token.isUnresolved(labels)) checkLabels(what, 'resourceLabels', labels as Record<string, string>);
    if (Array.isArray(authorized)) authorized.forEach((n, i) => checkCidr(what, `authorizedNetworks[${i}].cidr`, n.cidr));
    checkInteger(what, 'maxPodsPerNode', props.maxPodsPerNode ?? DEFAULT_CLUSTER_MAX_PODS, CLUSTER_MAX_PODS_RANGE.min, CLUSTER_MAX_PODS_RANGE.max);
    const channel = props.releaseChannel ?? DEFAULT_RELEASE_CHANNEL;
    if (props.nodeServiceAccountOrNull !== undefined && props.nodeServiceAccount !== undefined) {
      throw new Error(`${what}: nodeServiceAccountOrNull and nodeServiceAccount both name the account: give one of them`);
    }
    const maintenance = props.maintenancePolicy;
    if (maintenance && !Token.isUnresolved(maintenance)) {
      const problems = maintenanceProblems(maintenance as MaintenancePolicy, channel);
      if (problems.length > 0) throw new Error(`${what}: maintenancePolicy.${problems[0].path}: ${problems[0].message}`);
    }
    if (props.version !== undefined && !Token.isUnresolved(props.version)) {
      const parsed = parseGkeVersion(props.version);
      if (!parsed) throw new Error(`${what}: version "${props.version}" is not a GKE minor (1.33) or full GKE version (1.33.5-gke.1080000)`);
      if (!isAtLeast(parsed, MIN_GKE_VERSION)) {
        throw new Error(`${what}: version "${props.version}" is older than ${MIN_GKE_VERSION.major}.${MIN_GKE_VERSION.minor}, the first GKE version whose private clusters get a Private Service Connect control plane`);
      }
    }

    if (props.nodeServiceAccount !== undefined) {
      this.nodeServiceAccountEmail = props.nodeServiceAccount;
      this.nodeServiceAccountBindings = [];
    } else {
      const given = props.nodeServiceAccountOrNull;
      const byo = given === undefined ? undefined : hclOperand(this, 'node-service-account', given);
      const created = addNodeServiceAccount(this, what, {
        project: props.project,
        accountId: props.nodeServiceAccountId ?? nodeServiceAccountId(props.name),
        clusterName: props.name,
        createIf: byo ? `${byo.text()} == null` : undefined,
      });
      this.nodeServiceAccount = created.serviceAccount;
      this.nodeServiceAccountEmail = byo ? hclExpression(() => `${byo.text()} == null ? ${created.email} : ${byo.text()}`) : created.email;
      this.nodeServiceAccountBindings = created.bindings;
    }

    // The floor is the version as written, never a resolved patch. terraform-provider-google v6.50.0
    // (resource_container_cluster.go): min_master_version is sent verbatim as initialClusterVersion at create, never
    // read back from the API, and at update only a *changed* value that is newer than master_version upgrades the
    // control plane. GKE takes "1.X" as an alias for the newest 1.X patch at create and at update (Cluster
    // .initialClusterVersion, UpdateMasterRequest.masterVersion: "1.X": picks the highest valid patch+gke.N patch). So a
    // plan with an unchanged file shows no version change, raising `version` upgrades, and patches arrive through the
    // release channel, inside the maintenance policy.
    let minMasterVersion: string | undefined;
    let precondition: { condition: unknown; errorMessage: string } | undefined;
    if (props.version !== undefined) {
      const literal = !Token.isUnresolved(props.version) && !Token.isUnresolved(channel);
      const version = hclOperand(this, 'version', props.version);
      const releaseChannel = hclOperand(this, 'release-channel', channel);
      // google_container_engine_versions: version_prefix filters valid_master_versions (a string prefix: "1.3" would
      // match 1.30, hence the dot) and release_channel_latest_version, which leaves out a channel with no match.
      const versions = new DataGoogleContainerEngineVersions(this, 'versions', {
        project: props.project,
        location: props.location,
        versionPrefix: literal
          ? gkeVersionPrefix(props.version)
          : hclExpression(() => `${version.text()} == null ? "" : (can(regex("^[0-9]+[.][0-9]+$", ${version.text()})) ? "\${${version.text()}}." : ${version.text()})`),
      });
      this.versions = versions;
      minMasterVersion = props.version;
      const data = () => versions.fqn;
      const unspecified = literal && channel === 'UNSPECIFIED';
      const byChannel = <T>(ifUnspecified: () => T, inChannel: (channelText: string) => T, either: (u: T, c: T) => T): T =>
        literal ? (unspecified ? ifUnspecified() : inChannel(JSON.stringify(channel))) : either(ifUnspecified(), inChannel(releaseChannel.text()));
      const choose = (u: string, c: string) => `(${releaseChannel.text()} == "UNSPECIFIED" ? ${u} : ${c})`;
      const offered = () => byChannel(() => `length(${data()}.valid_master_versions) >= 1`, (ch) => `contains(keys(${data()}.release_channel_latest_version), ${ch})`, choose);
      const channelDefault = () => byChannel(() => `${data()}.default_cluster_version`, (ch) => `lookup(${data()}.release_channel_default_version, ${ch}, "0.0")`, choose);
      const minorKey = (v: string) => `(tonumber(split(".", ${v})[0]) * 1000 + tonumber(split(".", ${v})[1]))`;
      // Fails only when the version is newer than anything the channel offers. Once the channel has moved past it,
      // an existing cluster already runs newer (the floor holds) and an unrelated plan must not fail; GKE itself
      // refuses to *create* a cluster at a version its channel no longer offers. A conditional, not ||: Terraform
      // before 1.12 evaluates both sides of ||, and the version may be null (a module variable).
      const check = () => `(${offered()} || ${minorKey(channelDefault())} >= ${minorKey(version.text())})`;
      precondition = {
        condition: hclValue(() => (literal ? check() : `${version.text()} == null ? true : ${check()}`)),
        errorMessage: hclTemplate(
          () =>
            // Terraform evaluates error_message even when the condition holds: a null version must not break the template
            // (coalesce, not a conditional: the message is then only shown for a version that is set).
            `Cluster version "${literal ? props.version : `\${coalesce(${version.text()}, "none")}`}" is newer than anything the ${literal ? channel : `\${${releaseChannel.text()}}`} release channel offers at ${props.location}: no version matches it, and the channel's default is \${${channelDefault()}} (versions matching outside the channel: \${coalesce(join(", ", ${data()}.valid_master_versions), "none")}). Set a version the channel offers, or none to follow the channel's default.`,
        ),
      };
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
      // GKE's automatic upgrades (the channel's patches and minors) happen inside the window, never during an exclusion;
      // an upgrade Terraform asks for (a raised version) runs at apply time, whatever the policy says.
      maintenancePolicy: maintenance && !Token.isUnresolved(maintenance)
        ? {
            recurringWindow: { ...(maintenance as MaintenancePolicy).window },
            maintenanceExclusion: (maintenance as MaintenancePolicy).exclusions?.length ? (maintenance as MaintenancePolicy).exclusions!.map((e) => ({
              exclusionName: e.name,
              startTime: e.startTime,
              endTime: e.endTime,
              exclusionOptions: { scope: e.scope ?? 'NO_UPGRADES' },
            })) : undefined,
          }
        : undefined,
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
      defaultMaxPodsPerNode: props.maxPodsPerNode ?? DEFAULT_CLUSTER_MAX_PODS,
      // Pods get Google credentials through Workload Identity, never from the node's service account.
      workloadIdentityConfig: { workloadPool: `${props.project}.svc.id.goog` },
      // Shielded nodes: the kubelet's identity is verified, so a compromised VM cannot impersonate a node.
      enableShieldedNodes: true,
      // Legacy ABAC bypasses RBAC.
      enableLegacyAbac: false,
      // No long-lived client certificate that cannot be revoked.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      // Private nodes: no external IP on any node; the control plane stays reachable for Terraform.
      // The private endpoint is an explicit choice: with it, Terraform itself must run inside the VPC.
      privateClusterConfig: {
        enablePrivateNodes: props.privateNodes ?? true,
        enablePrivateEndpoint: props.privateEndpoint ?? false,
        masterGlobalAccessConfig: props.privateEndpointGlobalAccess === undefined ? undefined : { enabled: props.privateEndpointGlobalAccess },
      },
      masterAuthorizedNetworksConfig: Array.isArray(authorized)
        ? { cidrBlocks: authorized.map((n) => ({ cidrBlock: n.cidr, displayName: n.displayName })) }
        : undefined,
      // The throw-away default pool still boots once: give it the dedicated identity too.
      nodeConfig: {
        serviceAccount: this.nodeServiceAccountEmail,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      },
      // The default pool's nodes boot with the node service account too: its roles first.
      dependsOn: this.nodeServiceAccountBindings.length > 0 ? [...this.nodeServiceAccountBindings] : undefined,
      lifecycle: {
        // node_config describes the removed default pool only; later reads would show a diff that forces replacement.
        ignoreChanges: ['node_config'],
        precondition: precondition ? [precondition] : undefined,
      },
    });
    if (maintenance && Token.isUnresolved(maintenance)) {
      // A policy known only to Terraform: the blocks exist only when it is set, one exclusion block per exclusion.
      const policy = hclOperand(this, 'maintenance-policy', maintenance);
      this.cluster.addOverride('dynamic.maintenance_policy', {
        for_each: hclValue(() => `${policy.text()} == null ? [] : [${policy.text()}]`),
        content: {
          recurring_window: {
            start_time: '${maintenance_policy.value.window.start_time}',
            end_time: '${maintenance_policy.value.window.end_time}',
            recurrence: '${maintenance_policy.value.window.recurrence}',
          },
          dynamic: {
            maintenance_exclusion: {
              for_each: '${maintenance_policy.value.exclusions}',
              iterator: 'exclusion',
              content: {
                exclusion_name: '${exclusion.value.name}',
                start_time: '${exclusion.value.start_time}',
                end_time: '${exclusion.value.end_time}',
                exclusion_options: { scope: '${exclusion.value.scope}' },
              },
            },
          },
        },
      });
    }
    if (authorized !== undefined && !Array.isArray(authorized)) {
      // The block only with a non-empty list (an empty master_authorized_networks_config admits nobody), or with the
      // private endpoint, which GKE refuses without it ("Master authorized networks must be enabled if private endpoint
      // is enabled": terraform-provider-google, magic-modules #8338).
      const list = hclOperand(this, 'authorized-networks', authorized);
      const privateOnly = hclOperand(this, 'private-endpoint', props.privateEndpoint ?? false);
      this.cluster.addOverride('dynamic.master_authorized_networks_config', {
        for_each: hclValue(() => `length(coalesce(${list.text()}, [])) > 0 || ${privateOnly.text()} ? [1] : []`),
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
