import { Construct } from 'constructs';
import { DataTfeAgentPool } from '@cdktf/provider-tfe/lib/data-tfe-agent-pool';
import { DataTfeProject } from '@cdktf/provider-tfe/lib/data-tfe-project';
import { Variable } from '@cdktf/provider-tfe/lib/variable';
import { VariableSet } from '@cdktf/provider-tfe/lib/variable-set';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import { WorkspaceVariableSet } from '@cdktf/provider-tfe/lib/workspace-variable-set';
import { hclValue } from './hcl-expression';

export interface TfcWorkspaceSpec {
  /** Workspace name: letters, digits, - and _, at most 90 characters. */
  readonly name: string;
  /** Shown in the Terraform Cloud UI. */
  readonly description: string;
  /**
   * Keys (in `workspaces`) of the workspaces that may read this one's state.
   * @default none
   */
  readonly stateConsumers?: readonly string[];
}

export interface TfcWorkspacesProps {
  /** Organization of the project and workspaces. */
  readonly organization: string;
  /** Name of the Terraform Cloud project the workspaces belong to; it exists already (see `TfcProject`). */
  readonly projectName: string;
  /** The workspaces, by a stable key (it becomes the construct id). */
  readonly workspaces: Readonly<Record<string, TfcWorkspaceSpec>>;
  /** Terraform version of every run (an exact version, so every run plans the same way). */
  readonly terraformVersion: string;
  /**
   * Run on this existing agent pool instead of Terraform Cloud's shared runners.
   * @default shared runners (execution mode remote)
   */
  readonly agentPoolName?: string;
}

/**
 * A Terraform Cloud project and its CLI-driven workspaces (no VCS, no working directory: the run uploads exactly
 * the stack folder), with remote state shared only where a stack reads another, and a variable set for the runs.
 */
export class TfcWorkspaces extends Construct {
  readonly project: DataTfeProject;
  readonly workspaces: ReadonlyMap<string, Workspace>;

  private readonly organization: string;

  constructor(scope: Construct, id: string, props: TfcWorkspacesProps) {
    super(scope, id);
    this.organization = props.organization;
    const what = `TfcWorkspaces "${id}"`;
    for (const [key, w] of Object.entries(props.workspaces)) {
      if (!/^[A-Za-z0-9_-]{1,90}$/.test(w.name)) throw new Error(`${what}: workspaces.${key}.name "${w.name}" is not a workspace name (at most 90 letters, digits, - and _)`);
      for (const consumer of w.stateConsumers ?? []) {
        if (!(consumer in props.workspaces)) throw new Error(`${what}: workspaces.${key}.stateConsumers names "${consumer}", which is not one of the workspaces`);
      }
    }
    if (!/^\d+\.\d+\.\d+$/.test(props.terraformVersion)) throw new Error(`${what}: terraformVersion "${props.terraformVersion}" must be an exact version (e.g. 1.11.4)`);

    // The project is shared with other environments, or another team's: read, never created here.
    this.project = new DataTfeProject(this, 'project', { organization: props.organization, name: props.projectName });
    // Who may use an agent pool is the pool's own list (tfe_agent_pool_allowed_projects / _workspaces replace that
    // whole list, tfe v0.71.0), and a shared pool is not ours to rewrite: check it instead. Here, at plan time, a pool
    // that can admit none of these workspaces (not organization-scoped, the project not allowed, no workspace allowed);
    // on each workspace's settings below, exactly whether the pool admits that workspace.
    const agentPool = props.agentPoolName
      ? new DataTfeAgentPool(this, 'agent-pool', {
          organization: props.organization,
          name: props.agentPoolName,
          lifecycle: {
            postcondition: [
              {
                condition: hclValue(() => `self.organization_scoped || contains(self.allowed_project_ids, ${this.project.fqn}.id) || length(self.allowed_workspace_ids) > 0`),
                errorMessage: `Agent pool "${props.agentPoolName}" is not organization-scoped and does not allow project "${props.projectName}": in ${props.organization}'s settings, under Agent pools > ${props.agentPoolName}, allow that project (or all workspaces of the organization), then plan again.`,
              },
            ],
          },
        })
      : undefined;

    const workspaces = new Map<string, Workspace>();
    for (const [key, w] of Object.entries(props.workspaces)) {
      workspaces.set(
        key,
        new Workspace(this, `workspace-${key}`, {
          organization: props.organization,
          projectId: this.project.id,
          name: w.name,
          description: w.description,
          terraformVersion: props.terraformVersion,
          // CLI-driven: runs start from `cdktf deploy`, never from a queue of their own.
          queueAllRuns: false,
          autoApply: false,
        }),
      );
    }
    this.workspaces = workspaces;

    for (const [key, w] of Object.entries(props.workspaces)) {
      const workspace = workspaces.get(key)!;
      new WorkspaceSettings(this, `settings-${key}`, {
        workspaceId: workspace.id,
        executionMode: agentPool ? 'agent' : 'remote',
        agentPoolId: agentPool?.id,
        // State is readable by the workspaces that consume it, and by nobody else in the organization.
        globalRemoteState: false,
        remoteStateConsumerIds: (w.stateConsumers ?? []).map((consumer) => workspaces.get(consumer)!.id),
        lifecycle: agentPool
          ? {
              precondition: [
                {
                  // Known once the workspace exists: at plan time on later runs, before this change on the first.
                  condition: hclValue(
                    () =>
                      `${agentPool.fqn}.organization_scoped ? !contains(${agentPool.fqn}.excluded_workspace_ids, ${workspace.fqn}.id) : (contains(${agentPool.fqn}.allowed_project_ids, ${this.project.fqn}.id) || contains(${agentPool.fqn}.allowed_workspace_ids, ${workspace.fqn}.id))`,
                  ),
                  errorMessage: `Agent pool "${props.agentPoolName}" does not admit workspace "${w.name}" (it excludes it, or allows neither it nor project "${props.projectName}"): in ${props.organization}'s settings, under Agent pools > ${props.agentPoolName}, allow the project or the workspace, then apply again.`,
                },
              ],
            }
          : undefined,
      });
    }

  }

  /**
   * Environment variables every run of these workspaces gets: a variable set attached to them, and to nothing else.
   * Values are not secrets here (names and e-mail addresses); never put a credential in one.
   */
  addEnvironmentVariables(id: string, name: string, variables: Readonly<Record<string, string>>): VariableSet {
    const organization = this.organization;
    const set = new VariableSet(this, id, { organization, name, description: 'Settings every run of these workspaces needs' });
    for (const [key, value] of Object.entries(variables)) {
      new Variable(this, `${id}-${key}`, { variableSetId: set.id, category: 'env', key, value, sensitive: false });
    }
    for (const [key, workspace] of this.workspaces) {
      new WorkspaceVariableSet(this, `${id}-${key}`, { variableSetId: set.id, workspaceId: workspace.id });
    }
    return set;
  }

  /** Environment variables of one workspace (`key` in `workspaces`); they take precedence over a variable set's. */
  addWorkspaceVariables(key: string, variables: Readonly<Record<string, string>>): Variable[] {
    const workspace = this.workspaces.get(key);
    if (!workspace) throw new Error(`TfcWorkspaces "${this.node.id}": addWorkspaceVariables names "${key}", which is not one of the workspaces`);
    return Object.entries(variables).map(
      ([name, value]) => new Variable(this, `${key}-${name}`, { workspaceId: workspace.id, category: 'env', key: name, value, sensitive: false }),
    );
  }
}
