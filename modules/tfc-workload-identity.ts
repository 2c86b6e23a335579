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
  /** The workspaces whose runs may impersonate the run service account, by a stable key, with their id (`ws-…`). */
  readonly workspaces: Readonly<Record<string, { readonly name: string; readonly id: string }>>;
  /** Workload Identity pool id (4-32 lowercase letters, digits and hyphens). */
  readonly poolId: string;
  /** account_id of the run service account (6-30 characters). */
  readonly runServiceAccountId: string;
  /** Project roles the runs need, each with why. */
  readonly roles: readonly RunRole[];
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
  /** Full provider name, the value of TFC_GCP_WORKLOAD_PROVIDER_NAME. */
  readonly providerName: string;
  /** The value of TFC_GCP_RUN_SERVICE_ACCOUNT_EMAIL. */
  readonly runServiceAccountEmail: string;

  constructor(scope: Construct, id: string, props: TfcWorkloadIdentityProps) {
    super(scope, id);
    const what = `TfcWorkloadIdentity "${id}"`;
    if (!/^[a-z0-9-]{4,32}$/.test(props.poolId) || props.poolId.startsWith('gcp-')) {
      throw new Error(`${what}: poolId "${props.poolId}" must be 4-32 lowercase letters, digits and hyphens, not starting with "gcp-"`);
    }
    checkGcpName(what, 'runServiceAccountId', props.runServiceAccountId, 30);
    if (props.runServiceAccountId.length < 6) throw new Error(`${what}: runServiceAccountId "${props.runServiceAccountId}" must be 6 to 30 characters`);
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
      oidc: { issuerUri: `https://${props.hostname}` },
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
      },
      // Only this organization, this project and these workspaces may even exchange a token.
      attributeCondition: [
        `assertion.terraform_organization_name == "${props.organization}"`,
        `assertion.terraform_project_name == "${props.tfcProject}"`,
        `assertion.terraform_workspace_name in [${names.map((n) => `"${n}"`).join(', ')}]`,
      ].join(' && '),
    });
    this.providerName = this.provider.name;

    this.runServiceAccount = new ServiceAccount(this, 'run-sa', {
      project: props.project,
      accountId: props.runServiceAccountId,
      displayName: `Terraform Cloud runs of ${names.join(', ')}`,
      description: 'Impersonated by the runs through Workload Identity Federation; it has no key',
      dependsOn,
    });
    this.runServiceAccountEmail = this.runServiceAccount.email;

    for (const r of props.roles) {
      new ProjectIamMember(this, `run-sa-${r.role.replace('roles/', '').replace(/\./g, '-')}`, {
        project: props.project,
        role: r.role,
        member: this.runServiceAccount.member,
        condition: r.condition ? { title: r.condition.title, expression: r.condition.expression } : undefined,
      });
    }
    // Each workspace, by its id, may impersonate the run service account; not the whole pool.
    for (const [key, workspace] of Object.entries(props.workspaces)) {
      new ServiceAccountIamMember(this, `run-sa-user-${key}`, {
        serviceAccountId: this.runServiceAccount.name,
        role: 'roles/iam.workloadIdentityUser',
        member: `principalSet://iam.googleapis.com/${this.pool.name}/attribute.terraform_workspace_id/${workspace.id}`,
      });
    }
  }
}
