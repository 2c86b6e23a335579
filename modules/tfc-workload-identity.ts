import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { checkGcpName } from './validate';

/** A project role of the run service account, and why the runs need it. */
export interface RunRole {
  readonly role: string;
  /** Why the runs need it (the binding's description in the README). */
  readonly why: string;
  /**
   * An IAM condition that narrows the grant (CEL).
   * @default none
   */
  readonly condition?: { readonly title: string; readonly expression: string };
}

export interface TfcWorkloadIdentityProps {
  /** GCP project of the pool, the provider and the run service account; the roles are granted on it. */
  readonly project: string;
  /** Terraform Cloud or Enterprise host; its `https://` URL is the OIDC issuer. */
  readonly hostname: string;
  /** Terraform Cloud organization whose runs may authenticate. */
  readonly organization: string;
  /** Terraform Cloud project of the workspaces. */
  readonly tfcProject: string;
  /**
   * The workspaces whose runs may authenticate, by a stable key, with their id (`ws-…`) and the identity their plans
   * use: `plan`, the read-only plan service account, or `apply`, the run service account (for a workspace whose plan
   * must already hold what the apply uses, e.g. a Kubernetes token read at plan time). Applies always use the run
   * service account.
   */
  readonly workspaces: Readonly<Record<string, { readonly name: string; readonly id: string; readonly planAs: 'plan' | 'apply' }>>;
  /** Workload Identity pool id (4-32 lowercase letters, digits and hyphens). */
  readonly poolId: string;
  /** account_id of the run service account, which applies (6-30 characters). */
  readonly runServiceAccountId: string;
  /** Project roles the applies need, each with why. */
  readonly roles: readonly RunRole[];
  /** account_id of the read-only service account plans run as (6-30 characters). */
  readonly planServiceAccountId: string;
  /** Project roles the plans need (read-only), each with why. */
  readonly planRoles: readonly RunRole[];
  /**
   * Service accounts (`projects/<p>/serviceAccounts/<email>`) the applies may act as (`roles/iam.serviceAccountUser` on
   * each, not on the project), e.g. the node service account a node pool runs as.
   * @default none
   */
  readonly actAs?: readonly { readonly key: string; readonly serviceAccount: string; readonly why: string }[];
  /**
   * The issuer's public keys (JWKS JSON), for a Terraform Enterprise Google cannot reach or whose certificate a
   * private CA signed.
   * @default Google fetches them from `https://<hostname>/.well-known/jwks`
   */
  readonly jwksJson?: string;
  /**
   * Resources everything waits for, e.g. the enabled IAM APIs.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Dynamic provider credentials for Terraform Cloud runs on GCP (hashicorp/terraform-dynamic-credentials-setup-examples,
 * gcp/): a Workload Identity pool and OIDC provider that trust the Terraform Cloud issuer for exactly this
 * organization, project and these workspaces, and a run service account that each workspace, and only those, may
 * impersonate. No key is ever created.
 */
export class TfcWorkloadIdentity extends Construct {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  readonly runServiceAccount: ServiceAccount;
  readonly planServiceAccount: ServiceAccount;
  /** Full provider name, the value of TFC_GCP_WORKLOAD_PROVIDER_NAME. */
  readonly providerName: string;
  /** The account applies run as (TFC_GCP_APPLY_SERVICE_ACCOUNT_EMAIL). */
  readonly runServiceAccountEmail: string;
  /** The read-only account plans run as (TFC_GCP_PLAN_SERVICE_ACCOUNT_EMAIL). */
  readonly planServiceAccountEmail: string;

  constructor(scope: Construct, id: string, props: TfcWorkloadIdentityProps) {
    super(scope, id);
    const what = `TfcWorkloadIdentity "${id}"`;
    if (!/^[a-z0-9-]{4,32}$/.test(props.poolId) || props.poolId.startsWith('gcp-')) {
      throw new Error(`${what}: poolId "${props.poolId}" must be 4-32 lowercase letters, digits and hyphens, not starting with "gcp-"`);
    }
    for (const [prop, value] of [['runServiceAccountId', props.runServiceAccountId], ['planServiceAccountId', props.planServiceAccountId]] as const) {
      checkGcpName(what, prop, value, 30);
      if (value.length < 6) throw new Error(`${what}: ${prop} "${value}" must be 6 to 30 characters`);
    }
    if (props.runServiceAccountId === props.planServiceAccountId) throw new Error(`${what}: planServiceAccountId "${props.planServiceAccountId}" is also runServiceAccountId: plans need an identity of their own`);
    const names = Object.values(props.workspaces).map((w) => w.name);
    if (names.length === 0) throw new Error(`${what}: workspaces is empty`);
    for (const name of [props.organization, props.tfcProject, ...names]) {
      // Quoted into CEL below: a quote or backslash would change the condition.
      if (/["\\]/.test(name)) throw new Error(`${what}: "${name}" may not contain quotes or backslashes`);
    }
    const dependsOn = props.dependsOn ? [...props.dependsOn] : undefined;

    this.pool = new IamWorkloadIdentityPool(this, 'pool', {
      project: props.project,
      workloadIdentityPoolId: props.poolId,
      displayName: 'Terraform Cloud runs',
      description: `Runs of ${props.organization}/${props.tfcProject} on ${props.hostname}`,
      dependsOn,
    });
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'provider', {
      project: props.project,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'terraform-cloud',
      displayName: 'Terraform Cloud',
      // Without jwksJson Google fetches the keys from the issuer's discovery document, which a private Terraform
      // Enterprise cannot serve it (google provider docs, google_iam_workload_identity_pool_provider oidc.jwks_json).
      oidc: { issuerUri: `https://${props.hostname}`, jwksJson: props.jwksJson },
      // Token claims of Terraform Cloud workload identity; terraform_workspace_id narrows each impersonation grant below.
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.aud': 'assertion.aud',
        'attribute.terraform_run_phase': 'assertion.terraform_run_phase',
        'attribute.terraform_organization_name': 'assertion.terraform_organization_name',
        'attribute.terraform_project_name': 'assertion.terraform_project_name',
        'attribute.terraform_workspace_name': 'assertion.terraform_workspace_name',
        'attribute.terraform_workspace_id': 'assertion.terraform_workspace_id',
        'attribute.terraform_full_workspace': 'assertion.terraform_full_workspace',
        'attribute.terraform_run_id': 'assertion.terraform_run_id',
        // One attribute naming a workspace and a run phase, so a grant can admit one phase of one workspace.
        'attribute.workspace_run_phase': 'assertion.terraform_workspace_id + ":" + assertion.terraform_run_phase',
      },
      // Only this organization, this project and these workspaces may even exchange a token.
      attributeCondition: [
        `assertion.terraform_organization_name == "${props.organization}"`,
        `assertion.terraform_project_name == "${props.tfcProject}"`,
        `assertion.terraform_workspace_name in [${names.map((n) => `"${n}"`).join(', ')}]`,
      ].join(' && '),
    });
    this.providerName = this.provider.name;

    // Keyless accounts the runs impersonate through Workload Identity Federation: one applies, one only plans.
    const account = (id: string, accountId: string, displayName: string, description: string) =>
      new ServiceAccount(this, id, { project: props.project, accountId, displayName: `${displayName} of ${names.join(', ')}`, description, dependsOn });
    this.runServiceAccount = account('run-sa', props.runServiceAccountId, 'Terraform Cloud applies', 'Impersonated by the runs through Workload Identity Federation; it has no key');
    this.runServiceAccountEmail = this.runServiceAccount.email;
    this.planServiceAccount = account('plan-sa', props.planServiceAccountId, 'Terraform Cloud plans', 'Read-only identity of the plans, impersonated through Workload Identity Federation; it has no key');
    this.planServiceAccountEmail = this.planServiceAccount.email;

    const grant = (prefix: string, account: ServiceAccount, roles: readonly RunRole[]) => {
      for (const r of roles) {
        new ProjectIamMember(this, `${prefix}-${r.role.replace('roles/', '').replace(/\./g, '-')}`, {
          project: props.project,
          role: r.role,
          member: account.member,
          condition: r.condition ? { title: r.condition.title, expression: r.condition.expression } : undefined,
        });
      }
    };
    grant('run-sa', this.runServiceAccount, props.roles);
    grant('plan-sa', this.planServiceAccount, props.planRoles);
    // Acting as a service account (a node pool's) is granted on that account alone: a project-wide Service Account
    // User could act as any account of the project, the Compute Engine default one (Editor) included.
    for (const a of props.actAs ?? []) {
      new ServiceAccountIamMember(this, `run-sa-act-as-${a.key}`, {
        serviceAccountId: a.serviceAccount,
        role: 'roles/iam.serviceAccountUser',
        member: this.runServiceAccount.member,
      });
    }

    // Each workspace, by its id and run phase, may impersonate one account; never the whole pool.
    const principal = (attribute: string, value: string) => `principalSet://iam.googleapis.com/${this.pool.name}/attribute.${attribute}/${value}`;
    for (const [key, workspace] of Object.entries(props.workspaces)) {
      new ServiceAccountIamMember(this, `run-sa-user-${key}`, {
        serviceAccountId: this.runServiceAccount.name,
        role: 'roles/iam.workloadIdentityUser',
        member:
          workspace.planAs === 'apply'
            ? principal('terraform_workspace_id', workspace.id)
            : principal('workspace_run_phase', `${workspace.id}:apply`),
      });
      if (workspace.planAs === 'plan') {
        new ServiceAccountIamMember(this, `plan-sa-user-${key}`, {
          serviceAccountId: this.planServiceAccount.name,
          role: 'roles/iam.workloadIdentityUser',
          member: principal('workspace_run_phase', `${workspace.id}:plan`),
        });
      }
    }
  }
}
