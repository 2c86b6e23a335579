import { LocalBackend, TerraformBackend, TerraformStack } from 'cdktf';

/**
 * The backend seam: where every stack keeps its state and how a stack reads another stack's outputs.
 * Consumers only call `backend.getRemoteStateDataSource(...)`, so switching to GCS or Terraform Cloud
 * changes this file alone.
 *
 * Local state lives in `<project>/state/`, never inside `cdktf.out/` (which synth rewrites). The path is
 * relative: Terraform runs in `cdktf.out/stacks/<stack>/`, three levels below the project root, and an
 * absolute path would tie the synthesized JSON to the machine that produced it.
 */
export const LOCAL_STATE_DIR = 'state';

export function localStatePath(stackName: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stackName}.tfstate`;
}

export function configureBackend(stack: TerraformStack, stackName: string): TerraformBackend {
  return new LocalBackend(stack, { path: localStatePath(stackName) });
}
