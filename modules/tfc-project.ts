import { Construct } from 'constructs';
import { Project } from '@cdktf/provider-tfe/lib/project';

export interface TfcProjectProps {
  /** Organization the project belongs to. */
  readonly organization: string;
  /** Project name: 3 to 40 letters, digits, spaces, - and _. */
  readonly name: string;
  /**
   * Shown in the Terraform Cloud UI.
   * @default none
   */
  readonly description?: string;
}

/**
 * A Terraform Cloud project that several environments' workspaces share. Created once, by a stack of its own, and read
 * by each environment's `TfcWorkspaces`; a project another team created needs no `TfcProject` at all.
 */
export class TfcProject extends Construct {
  readonly project: Project;

  constructor(scope: Construct, id: string, props: TfcProjectProps) {
    super(scope, id);
    if (!/^[\w-][\w -]{1,38}[\w-]$/.test(props.name)) {
      throw new Error(`TfcProject "${id}": name "${props.name}" is not a Terraform Cloud project name (3 to 40 letters, digits, spaces, - and _)`);
    }
    this.project = new Project(this, 'project', { organization: props.organization, name: props.name, description: props.description });
  }
}
