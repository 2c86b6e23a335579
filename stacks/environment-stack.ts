import { Construct } from 'constructs';
import { TerraformBackend, TerraformStack } from 'cdktf';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { configureBackend } from './backend';
import type { EnvironmentPlan } from './environment';

export const REQUIRED_TERRAFORM = '>= 1.5.0';

/** The parts every stack of an environment shares: its name, backend and Google provider. */
export abstract class EnvironmentStack extends TerraformStack {
  /** `<env>-<kind>`, e.g. `dev-network`; also the state file name. */
  readonly stackName: string;
  readonly backend: TerraformBackend;

  protected constructor(scope: Construct, plan: EnvironmentPlan, kind: 'network' | 'cluster' | 'workloads') {
    const stackName = `${plan.name}-${kind}`;
    super(scope, stackName);
    this.stackName = stackName;
    this.backend = configureBackend(this, stackName);
    // The oldest Terraform the README promises; older ones fail early instead of half-way through an apply.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    new GoogleProvider(this, 'google', {
      project: plan.project,
      region: plan.region,
      // Every resource says which environment and tool own it.
      defaultLabels: { multinet_environment: plan.name, managed_by: 'cdktf' },
    });
  }

  /** Reads another stack's outputs through the backend seam and orders this stack after it. */
  protected remoteStateOf(producer: EnvironmentStack, id: string) {
    this.addDependency(producer);
    return producer.backend.getRemoteStateDataSource(this, id, producer.stackName);
  }
}
