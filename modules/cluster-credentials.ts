import { Construct } from 'constructs';
import { Fn, TerraformStack, Token } from 'cdktf';
import { SERVICE_ACCOUNT_EMAIL_PATTERN } from './facts';

/**
 * How Terraform's kubernetes and helm providers authenticate to the cluster, so that no credential ever reaches a state
 * file. A data source would (Terraform writes every data source's result to state, `google_client_config.access_token`
 * included); these two never do:
 * - `gcloud-plugin`: the providers run `gke-gcloud-auth-plugin --use_application_default_credentials=true` at every
 *   plan and apply, which hands them a token of the person's application default credentials (the ones the google
 *   provider uses), held in memory only. For a person's runs (local and GCS state).
 * - `ephemeral-token`: an ephemeral `google_service_account_access_token` of `serviceAccountEmail` (google provider
 *   v6.13 and later, Terraform 1.10 and later: "Ephemeral resources", never in state or plan), opened at plan and again
 *   at apply, so each phase has its own short-lived token. For remote runs (Terraform Cloud), whose identity is that
 *   service account: it needs `iam.serviceAccounts.getAccessToken` on itself.
 */
export type KubernetesAuth =
  | { readonly kind: 'gcloud-plugin' }
  | {
      readonly kind: 'ephemeral-token';
      /** The service account whose token the providers use. */
      readonly serviceAccountEmail: string;
      /**
       * How long the token lives (the API's `lifetime`: at most an hour unless the organisation allows more).
       * @default 3600
       */
      readonly lifetimeSeconds?: number;
    };

export interface ClusterCredentialsProps {
  /** The cluster's endpoint (an address or a name, without `https://`). */
  readonly endpoint: string;
  /** The cluster's CA certificate, base64-encoded as GKE returns it. */
  readonly caCertificate: string;
  /** How the providers get their token. */
  readonly auth: KubernetesAuth;
}

/** The connection block the kubernetes provider takes, and the helm provider's `kubernetes` block. */
/** The exec credential plugin the providers run. */
export interface KubernetesExec {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: string[];
}

export interface KubernetesConnection {
  readonly host: string;
  readonly clusterCaCertificate: string;
  readonly token?: string;
  readonly exec?: KubernetesExec;
}

/** Oldest Terraform each kind of authentication works with: ephemeral resources came with 1.10. */
export const MIN_TERRAFORM_FOR_AUTH = { 'gcloud-plugin': '1.5.0', 'ephemeral-token': '1.10.0' } as const;

/** The plugin GKE documents for kubectl and client-go since 1.26 ("kubectl auth changes in GKE"). */
export const GKE_AUTH_PLUGIN = 'gke-gcloud-auth-plugin';

/**
 * The kubernetes and helm providers' connection to one GKE cluster, with a credential that stays out of state. The
 * ephemeral block has no cdktf 0.21 binding: it is written as a stack override, here and nowhere else.
 */
export class ClusterCredentials extends Construct {
  /** The helm provider's `kubernetes` block (its `exec` an object). */
  readonly kubernetes: KubernetesConnection;
  /** The same connection as the kubernetes provider takes it (its `exec` a list of one block). */
  readonly kubernetesProvider: Omit<KubernetesConnection, 'exec'> & { readonly exec?: KubernetesExec[] };
  /** Oldest Terraform that can run a stack with these credentials. */
  readonly minimumTerraform: string;

  constructor(scope: Construct, id: string, props: ClusterCredentialsProps) {
    super(scope, id);
    const what = `ClusterCredentials ${this.node.path}`;
    const connection = { host: `https://${props.endpoint}`, clusterCaCertificate: Fn.base64decode(props.caCertificate) };
    this.minimumTerraform = MIN_TERRAFORM_FOR_AUTH[props.auth.kind];
    if (props.auth.kind === 'gcloud-plugin') {
      const exec = { apiVersion: 'client.authentication.k8s.io/v1beta1', command: GKE_AUTH_PLUGIN, args: ['--use_application_default_credentials=true'] };
      this.kubernetes = { ...connection, exec };
      this.kubernetesProvider = { ...connection, exec: [exec] };
      return;
    }
    const { serviceAccountEmail, lifetimeSeconds = 3600 } = props.auth;
    if (!Token.isUnresolved(serviceAccountEmail) && !new RegExp(SERVICE_ACCOUNT_EMAIL_PATTERN).test(serviceAccountEmail)) {
      throw new Error(`${what}: auth.serviceAccountEmail "${serviceAccountEmail}" is not a service account email (<id>@<project>.iam.gserviceaccount.com)`);
    }
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 600 || lifetimeSeconds > 43200) {
      throw new Error(`${what}: auth.lifetimeSeconds ${lifetimeSeconds} must be a whole number of seconds from 600 to 43200`);
    }
    const name = this.node.id.replace(/[^A-Za-z0-9_]/g, '_');
    TerraformStack.of(this).addOverride(`ephemeral.google_service_account_access_token.${name}`, {
      target_service_account: serviceAccountEmail,
      // The Kubernetes API of GKE takes a token of the cloud-platform scope.
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      lifetime: `${lifetimeSeconds}s`,
    });
    // The same for both providers: a token takes no exec block.
    this.kubernetes = this.kubernetesProvider = { ...connection, token: `\${ephemeral.google_service_account_access_token.${name}.access_token}` };
  }
}
