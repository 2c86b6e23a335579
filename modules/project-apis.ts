import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';

/**
 * The APIs the stacks call: Compute Engine (networks), Kubernetes Engine (the cluster), IAM (the node service
 * account), and Cloud Resource Manager, which project IAM bindings go through (google_project_iam_member reads and
 * writes the project's policy with it).
 */
export const DEFAULT_PROJECT_APIS = ['compute.googleapis.com', 'container.googleapis.com', 'iam.googleapis.com', 'cloudresourcemanager.googleapis.com'] as const;

export interface ProjectApisProps {
  /** Project to enable the APIs in. */
  readonly project: string;
  /**
   * APIs to enable.
   * @default DEFAULT_PROJECT_APIS
   */
  readonly services?: readonly string[];
}

/**
 * The APIs an empty project needs before the guide's first step (the guide's "enable the Google
 * Kubernetes Engine API"). Destroying the stack leaves them enabled: other workloads may use them.
 */
export class ProjectApis extends Construct {
  readonly services: readonly ProjectService[];

  constructor(scope: Construct, id: string, props: ProjectApisProps) {
    super(scope, id);
    const names = props.services ?? DEFAULT_PROJECT_APIS;
    for (const name of names) {
      if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*\.googleapis\.com$/.test(name)) {
        throw new Error(`ProjectApis "${id}": services entry "${name}" is not a Google API name (e.g. container.googleapis.com)`);
      }
    }
    this.services = names.map(
      (service) =>
        new ProjectService(this, service.replace('.googleapis.com', ''), {
          project: props.project,
          service,
          // Turning an API off on destroy would break anything else in the project that uses it.
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
    );
  }
}
