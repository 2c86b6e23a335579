import { Construct } from 'constructs';
import {
  CloudBackend,
  DataTerraformRemoteState,
  DataTerraformRemoteStateGcs,
  DataTerraformRemoteStateLocal,
  GcsBackend,
  LocalBackend,
  NamedCloudWorkspace,
  TerraformBackend,
  TerraformRemoteState,
  TerraformStack,
} from 'cdktf';
import type { BackendPlan, StackKind } from './environment';

/**
 * The backend seam: where every stack keeps its state and how a stack reads another stack's outputs. Stacks call
 * `configureBackend` and `readRemoteState` and nothing else, so a backend changes in this file alone.
 *
 * Every read names exactly the state its producer writes. cdktf 0.21's own reads for the local and gcs backends
 * add `workspace = "${terraform.workspace}"` (terraform-cdk #3514): in any workspace but `default` they would read
 * an empty state. `cdktf deploy` runs every stack in the `default` workspace, so that is the one read here.
 */

/** Local state lives in `<project>/state/`, never inside `cdktf.out/` (which synth rewrites). */
export const LOCAL_STATE_DIR = 'state';

/** The workspace `cdktf deploy` uses for every stack, and so the one every read names. */
const DEFAULT_WORKSPACE = 'default';

/**
 * Relative on purpose: Terraform runs in `cdktf.out/stacks/<stack>/`, three levels below the project root, and an
 * absolute path would tie the synthesized JSON to the machine that produced it. This is the only path a stack holds
 * that leaves its folder: local state must outlive `cdktf.out/`. Remote backends hold no path at all.
 */
export function localStatePath(stackName: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stackName}.tfstate`;
}

/** Local state for a stack that must not depend on any backend: the bootstrap stacks, which create the backends. */
export function configureLocalBackend(stack: TerraformStack, stackName: string): TerraformBackend {
  return new LocalBackend(stack, { path: localStatePath(stackName) });
}

/** The backend of one of an environment's stacks. No token or credential is ever written here. */
export function configureBackend(stack: TerraformStack, backend: BackendPlan, stackName: string, kind: StackKind): TerraformBackend {
  switch (backend.type) {
    case 'local':
      return configureLocalBackend(stack, stackName);
    case 'gcs':
      // Credentials come from the environment (ADC); Terraform stores the state at <prefix>/default.tfstate.
      return new GcsBackend(stack, { bucket: backend.bucket, prefix: backend.statePrefixes[kind] });
    case 'cloud':
      // The token comes from `terraform login` or TF_TOKEN_<host>; cdktf would copy a configured one into every
      // consumer's JSON, which a remote run uploads.
      return new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(backend.workspaces[kind]),
      });
  }
}

/** Reads the state of `producer` (an environment stack of kind `kind`, named `producerName`) from `consumer`. */
export function readRemoteState(
  consumer: Construct,
  id: string,
  backend: BackendPlan,
  producerName: string,
  kind: StackKind,
): TerraformRemoteState {
  switch (backend.type) {
    case 'local':
      return new DataTerraformRemoteStateLocal(consumer, id, { path: localStatePath(producerName), workspace: DEFAULT_WORKSPACE });
    case 'gcs':
      return new DataTerraformRemoteStateGcs(consumer, id, { bucket: backend.bucket, prefix: backend.statePrefixes[kind], workspace: DEFAULT_WORKSPACE });
    case 'cloud':
      // Inside a remote run only the consumer's own folder exists, so the read goes through the `remote` backend:
      // the run's own credentials may read a workspace whose state is shared with the consumer's workspace
      // (bootstrap-<env> sets exactly that sharing). No token here, no file, nothing machine-specific.
      return new DataTerraformRemoteState(consumer, id, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: { name: backend.workspaces[kind] },
      });
  }
}
