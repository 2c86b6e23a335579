import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { hclExpression, hclValue } from './hcl-expression';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { checkGcpName } from './validate';

/** Roles the node service account needs and nothing more (GKE's least-privilege node SA). */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/autoscaling.metricsWriter',
  'roles/artifactregistry.reader',
] as const;

export interface NodeServiceAccountProps {
  /** Project of the service account; the roles are granted on it. */
  readonly project: string;
  /** account_id of the service account (6-30 characters). */
  readonly accountId: string;
  /** Name of the cluster whose nodes run as it (shown in its display name). */
  readonly clusterName: string;
  /**
   * Resources the account waits for, e.g. the enabled IAM API.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * An HCL condition known only to Terraform (e.g. `var.node_service_account == null`): the account and its bindings
   * then exist only when it holds (`count`), and are referred to as `<address>[0]`.
   * @default always created
   */
  readonly createIf?: string;
}

/** The node service account and its role bindings, as `addNodeServiceAccount` creates them. */
export interface NodeServiceAccountResources {
  readonly serviceAccount: ServiceAccount;
  /** Nodes must start only after these exist (they write logs and metrics and pull images from their first minute). */
  readonly bindings: readonly ProjectIamMember[];
  /** E-mail of the account (with `createIf`: of its single instance, which only exists when the condition holds). */
  readonly email: string;
}

/**
 * Creates the node service account and its role bindings directly in `scope`, as `node-sa` and `node-sa-<role>`: the
 * ids `MultinetCluster` has always given them, so their Terraform addresses never change.
 */
export function addNodeServiceAccount(scope: Construct, what: string, props: NodeServiceAccountProps): NodeServiceAccountResources {
  if (!Token.isUnresolved(props.accountId)) {
    checkGcpName(what, 'nodeServiceAccountId', props.accountId, 30);
    if (props.accountId.length < 6) throw new Error(`${what}: nodeServiceAccountId "${props.accountId}" must be 6 to 30 characters`);
  }
  const count = props.createIf === undefined ? undefined : Token.asNumber(hclValue(() => `${props.createIf} ? 1 : 0`));
  const serviceAccount = new ServiceAccount(scope, 'node-sa', {
    count,
    project: props.project,
    accountId: props.accountId,
    displayName: `GKE nodes of ${props.clusterName}`,
    description: 'Dedicated node identity: the Compute Engine default account has project Editor',
    dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
  });
  const bindings = NODE_SERVICE_ACCOUNT_ROLES.map(
    (role) =>
      new ProjectIamMember(scope, `node-sa-${role.replace('roles/', '').replace(/\./g, '-')}`, {
        count,
        project: props.project,
        role,
        member: count === undefined ? serviceAccount.member : hclExpression(() => `${serviceAccount.terraformResourceType}.${serviceAccount.friendlyUniqueId}[0].member`),
      }),
  );
  const email = count === undefined ? serviceAccount.email : hclExpression(() => `${serviceAccount.terraformResourceType}.${serviceAccount.friendlyUniqueId}[0].email`);
  return { serviceAccount, bindings, email };
}

/**
 * A GKE node service account with exactly the roles nodes need, for a cluster created by someone who may not grant
 * roles (a Terraform Cloud run): an administrator creates it, the cluster takes its e-mail
 * (`MultinetCluster.nodeServiceAccount`).
 */
export class NodeServiceAccount extends Construct implements NodeServiceAccountResources {
  readonly serviceAccount: ServiceAccount;
  readonly bindings: readonly ProjectIamMember[];
  /** E-mail of the account, for `MultinetCluster.nodeServiceAccount`. */
  readonly email: string;

  constructor(scope: Construct, id: string, props: NodeServiceAccountProps) {
    super(scope, id);
    const created = addNodeServiceAccount(this, `NodeServiceAccount "${id}"`, props);
    this.serviceAccount = created.serviceAccount;
    this.bindings = created.bindings;
    this.email = created.serviceAccount.email;
  }
}

