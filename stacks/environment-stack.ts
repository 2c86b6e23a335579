import { Construct } from 'constructs';
import { TerraformBackend, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { configureBackend, readRemoteState } from './backend';
import type { BackendPlan, EnvironmentPlan, StackKind } from './environment';

export const REQUIRED_TERRAFORM = '>= 1.5.0';

/** The parts every stack of an environment shares: its name, backend and Google provider. */
export abstract class EnvironmentStack extends TerraformStack {
  /** `<env>-<kind>`, e.g. `dev-network`; also the state file name. */
  readonly stackName: string;
  readonly kind: StackKind;
  readonly backend: TerraformBackend;
  private readonly backendPlan: BackendPlan;

  protected constructor(scope: Construct, plan: EnvironmentPlan, kind: StackKind) {
    const stackName = `${plan.name}-${kind}`;
    super(scope, stackName);
    this.stackName = stackName;
    this.kind = kind;
    this.backendPlan = plan.backend;
    this.backend = configureBackend(this, plan.backend, stackName, kind);
    // The oldest Terraform the README's Prerequisites promise; older ones fail early instead of half-way through an apply.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    addGoogleProvider(this, plan);
  }

  /**
   * Skips cdktf's preparing pass (see `prepareWithoutCrossStackReferences`): these stacks read other stacks only
   * through `remoteStateOf`.
   */
  override prepareStack(): void {
    prepareWithoutCrossStackReferences(this);
  }

  /** Reads another stack's outputs through the backend seam and orders this stack after it. */
  protected remoteStateOf(producer: EnvironmentStack, id: string) {
    this.addDependency(producer);
    return readRemoteState(this, id, this.backendPlan, producer.stackName, producer.kind);
  }
}

/**
 * What cdktf's `prepareStack` does minus its preparing pass. That pass resolves every element once more before the
 * real synthesis, only to find tokens that refer to another stack's resources and wire them through outputs and
 * remote state; it is a third of synth's time. The product's stacks never hold such tokens: each reads its producers'
 * outputs through explicit remote-state reads (`remoteStateOf`). A test synthesizes every stack kind with and without
 * the pass and compares the bytes, and checks that no stack refers to anything it does not define, so a token that
 * would need the pass cannot slip in unnoticed.
 */
export function prepareWithoutCrossStackReferences(stack: TerraformStack): void {
  stack.ensureBackendExists();
}

/** The Google provider every stack of an environment uses: its project and region, and labels on every resource. */
export function addGoogleProvider(stack: TerraformStack, plan: EnvironmentPlan): GoogleProvider {
  return new GoogleProvider(stack, 'google', {
    project: plan.project,
    region: plan.region,
    // Every resource says which environment and tool own it.
    defaultLabels: { ...plan.labels },
  });
}
