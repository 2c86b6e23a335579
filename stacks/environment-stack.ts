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
    // The oldest Terraform the README promises; older ones fail early instead of half-way through an apply.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    addGoogleProvider(this, plan);
  }

  /** Reads another stack's outputs through the backend seam and orders this stack after it. */
  protected remoteStateOf(producer: EnvironmentStack, id: string) {
    this.addDependency(producer);
    return readRemoteState(this, id, this.backendPlan, producer.stackName, producer.kind);
  }
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
