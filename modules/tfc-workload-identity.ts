import { Construct } from 'constructs';
import { ITerraformDependable, Token } from 'cdktf';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { TFC_ORGANIZATION_ID_PATTERN } from './facts';
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

/** A service account the runs impersonate. */
export interface TfcIdentity {
  /** account_id (6-30 characters). */
  readonly accountId: string;
  /** Shown in the console. */
  readonly displayName: string;
  /** Why it exists and who uses it. */
  readonly description: string;
  /** Its project roles, each with why. */
  readonly roles: readonly RunRole[];
}

export interface TfcWorkloadIdentityProps {
  /** GCP project of the pool, the provider and the run service account; the roles are granted on it. */
  readonly project: string;
  /** Terraform Cloud or Enterprise host; its `https://` URL is the OIDC issuer. */
  readonly hostname: string;
  /** Terraform Cloud organization whose runs may authenticate. */
  readonly organization: string;
  /** Its id (`org-…`): pinned in the federation's condition, since a name can be taken again after a deletion. */
  readonly organizationId: string;
  /** Terraform Cloud project of the workspaces. */
  readonly tfcProject: string;
  /**
   * The service accounts the runs impersonate, by a stable key (the construct id is `<key>-sa`): each with its
   * account_id (6-30 characters), its project roles (each with why) and a description. None has a key.
   */
  readonly identities: Readonly<Record<string, TfcIdentity>>;
  /**
   * The workspaces whose runs may authenticate, by a stable key, with their id (`ws-…`) and the identity (a key of
   * `identities`) each run phase impersonates. A workspace whose plan must hold what its apply uses (a Kubernetes token
   * read at plan time) names one identity for both.
   */
  readonly workspaces: Readonly<Record<string, { readonly name: string; readonly id: string; readonly plan: string; readonly apply: string }>>;
  /** Workload Identity pool id (4-32 lowercase letters, digits and hyphens). */
  readonly poolId: string;
  /**
   * Service accounts (`projects/<p>/serviceAccounts/<email>`) an identity may act as (`roles/iam.serviceAccountUser`
   * on that account alone, not on the project), e.g. the node service account a node pool runs as.
   * @default none
   */
  readonly actAs?: readonly { readonly key: string; readonly identity: string; readonly serviceAccount: string; readonly why: string }[];
  /**
   * Identities that may mint access tokens of their own account (`roles/iam.serviceAccountTokenCreator` on that account
   * alone), for an ephemeral credential opened in a run (an ephemeral `google_service_account_access_token` of itself),
   * which never reaches state.
   * @default none
   */
  readonly ownTokens?: readonly { readonly identity: string; readonly why: string }[];
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
  /** The service accounts, by key of `identities`. */
  readonly serviceAccounts: ReadonlyMap<string, ServiceAccount>;
  /** Full provider name, the value of TFC_GCP_WORKLOAD_PROVIDER_NAME. */
  readonly providerName: string;

  constructor(scope: Construct, id: string, props: TfcWorkloadIdentityProps) {
    super(scope, id);
    const what = `TfcWorkloadIdentity "${id}"`;
    if (!/^[a-z0-9-]{4,32}$/.test(props.poolId) || props.poolId.startsWith('gcp-')) {
      throw new Error(`${what}: poolId "${props.poolId}" must be 4-32 lowercase letters, digits and hyphens, not starting with "gcp-"`);
    }
    const accountIds = new Map<string, string>();
    for (const [key, identity] of Object.entries(props.identities)) {
      checkGcpName(what, `identities.${key}.accountId`, identity.accountId, 30);
      if (identity.accountId.length < 6) throw new Error(`${what}: identities.${key}.accountId "${identity.accountId}" must be 6 to 30 characters`);
      const other = accountIds.get(identity.accountId);
      if (other) throw new Error(`${what}: identities.${key}.accountId "${identity.accountId}" is also identities.${other}.accountId: each identity needs an account of its own`);
      accountIds.set(identity.accountId, key);
    }
    for (const [key, w] of Object.entries(props.workspaces)) {
      for (const phase of ['plan', 'apply'] as const) {
        if (!(w[phase] in props.identities)) throw new Error(`${what}: workspaces.${key}.${phase} names "${w[phase]}", which is not one of the identities`);
      }
    }
    if (!Token.isUnresolved(props.organizationId) && !new RegExp(TFC_ORGANIZATION_ID_PATTERN).test(props.organizationId)) {
      throw new Error(`${what}: organizationId "${props.organizationId}" is not a Terraform Cloud organization id ("org-" and 16 letters and digits)`);
    }
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
        'attribute.terraform_organization_id': 'assertion.terraform_organization_id',
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
        `assertion.terraform_organization_id == "${props.organizationId}"`,
        `assertion.terraform_organization_name == "${props.organization}"`,
        `assertion.terraform_project_name == "${props.tfcProject}"`,
        `assertion.terraform_workspace_name in [${names.map((n) => `"${n}"`).join(', ')}]`,
      ].join(' && '),
    });
    this.providerName = this.provider.name;

    // Keyless accounts the runs impersonate through Workload Identity Federation.
    const accounts = new Map<string, ServiceAccount>();
    for (const [key, identity] of Object.entries(props.identities)) {
      const account = new ServiceAccount(this, `${key}-sa`, {
        project: props.project,
        accountId: identity.accountId,
        displayName: identity.displayName,
        description: identity.description,
        dependsOn,
      });
      accounts.set(key, account);
      for (const r of identity.roles) {
        new ProjectIamMember(this, `${key}-sa-${r.role.replace('roles/', '').replace(/\./g, '-')}`, {
          project: props.project,
          role: r.role,
          member: account.member,
          condition: r.condition ? { title: r.condition.title, expression: r.condition.expression } : undefined,
        });
      }
    }
    this.serviceAccounts = accounts;
    // Acting as a service account (a node pool's) is granted on that account alone: a project-wide Service Account
    // User could act as any account of the project, the Compute Engine default one (Editor) included.
    for (const a of props.actAs ?? []) {
      const account = accounts.get(a.identity);
      if (!account) throw new Error(`${what}: actAs.${a.key}.identity "${a.identity}" is not one of the identities`);
      new ServiceAccountIamMember(this, `${a.identity}-sa-act-as-${a.key}`, {
        serviceAccountId: a.serviceAccount,
        role: 'roles/iam.serviceAccountUser',
        member: account.member,
      });
    }

    // Minting its own tokens gives an account nothing it does not hold already: no other account, no other role.
    for (const t of props.ownTokens ?? []) {
      const account = accounts.get(t.identity);
      if (!account) throw new Error(`${what}: ownTokens identity "${t.identity}" is not one of the identities`);
      new ServiceAccountIamMember(this, `${t.identity}-sa-own-tokens`, {
        serviceAccountId: account.name,
        role: 'roles/iam.serviceAccountTokenCreator',
        member: account.member,
      });
    }

    // Each workspace, by its id and run phase, may impersonate one account; never the whole pool. A workspace whose two
    // phases use one account is admitted by its id alone.
    const principal = (attribute: string, value: string) => `principalSet://iam.googleapis.com/${this.pool.name}/attribute.${attribute}/${value}`;
    for (const [key, workspace] of Object.entries(props.workspaces)) {
      const grants =
        workspace.plan === workspace.apply
          ? [{ identity: workspace.plan, member: principal('terraform_workspace_id', workspace.id) }]
          : (['plan', 'apply'] as const).map((phase) => ({ identity: workspace[phase], member: principal('workspace_run_phase', `${workspace.id}:${phase}`) }));
      for (const grant of grants) {
        new ServiceAccountIamMember(this, `${grant.identity}-sa-user-${key}`, {
          serviceAccountId: accounts.get(grant.identity)!.name,
          role: 'roles/iam.workloadIdentityUser',
          member: grant.member,
        });
      }
    }
  }
}
