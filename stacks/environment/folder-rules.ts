import { DerivedName, derivedNames } from './rule-helpers';
import { FolderRule, LoadedEnvironment, folderRule } from './rule-types';
import { shown } from './problems';

/** The rules of all environment files together. */

export const FOLDER_RULES: readonly FolderRule[] = [
  folderRule('unique-names-across-environments', 'Two environments never derive the same GCP resource name in one project.', (environments, report) => {
    const seen = new Map<string, { env: LoadedEnvironment; path: string }>();
    // Clashes by pair of files and by the field of the later file that causes them: one line per cause.
    const clashes = new Map<string, { first: LoadedEnvironment; firstPath: string; env: LoadedEnvironment; path: string; names: DerivedName[] }>();
    for (const env of environments) {
      for (const name of derivedNames(env.plan)) {
        const key = `${name.namespace}|${name.kind}|${name.value}`;
        const first = seen.get(key);
        if (!first) {
          seen.set(key, { env, path: name.path });
          continue;
        }
        if (first.env.file === env.file) continue;
        const cause = `${first.env.file}|${env.file}|${name.path}`;
        const group = clashes.get(cause) ?? { first: first.env, firstPath: first.path, env, path: name.path, names: [] };
        group.names.push(name);
        clashes.set(cause, group);
      }
    }
    // Every name an environment creates starts with its cluster name: when that clashes, it is the one cause.
    const copied = new Set([...clashes.values()].filter((c) => c.path === 'cluster.name').map((c) => `${c.first.file}|${c.env.file}`));
    for (const { first, firstPath, env, path, names } of clashes.values()) {
      if (path !== 'cluster.name' && copied.has(`${first.file}|${env.file}`)) continue;
      const what = [...new Set(names.map((n) => n.kind))].join(', ');
      const where = names[0].namespace === 'gcs' ? 'in GCS' : `in project ${env.plan.project}`;
      if (path === 'cluster.name') {
        // A copied file: every name derives from the cluster's, so one line per file says what to change.
        const fix = `give each environment its own cluster.name (or its own project)`;
        report(env.file, path, `${shown(env.plan.cluster.name)} is also ${first.file}'s cluster.name ${where}: the ${what} names would collide; ${fix}`);
        report(first.file, firstPath, `${shown(first.plan.cluster.name)} is also ${env.file}'s cluster.name ${where}: the ${what} names would collide; ${fix}`);
      } else {
        const list = names.map((n) => `${n.kind} ${shown(n.value)}`).join(', ');
        report(env.file, path, `derives ${list} ${where}, which ${first.file} (${firstPath}) also creates; each environment needs its own names`);
        report(first.file, firstPath, `derives ${list} ${where}, which ${env.file} (${path}) also creates; each environment needs its own names`);
      }
    }
  }),
  folderRule('shared-backends', 'Environments sharing a state bucket or a Terraform Cloud project agree on who creates it, and how.', (environments, report) => {
    type Shared = { env: LoadedEnvironment; key: string; what: string; settings: Record<string, unknown>; stackName?: string };
    const shared: Shared[] = environments.flatMap((env): Shared[] => {
      const b = env.plan.backend;
      if (b.type === 'gcs') {
        const c = b.createdBucket;
        return [{
          env,
          key: `gcs|${b.bucket}`,
          what: `state bucket ${shown(b.bucket)}`,
          stackName: c?.stackName,
          settings: c ? { createBucket: true, bucketProject: c.project, bucketLocation: c.location, keepNoncurrentVersions: c.keepNoncurrentVersions } : { createBucket: false },
        }];
      }
      if (b.type === 'cloud') {
        return [{
          env,
          key: `cloud|${b.hostname}|${b.organization}|${b.project}`,
          what: `Terraform Cloud project ${shown(b.project)} of ${b.hostname}/${b.organization}`,
          stackName: b.createdProject?.stackName,
          settings: { createProject: b.createdProject !== undefined },
        }];
      }
      return [];
    });
    // One problem per file and field: the first environment (by file name) naming the thing is the reference.
    const first = new Map<string, Shared>();
    for (const s of shared) {
      const ref = first.get(s.key);
      if (!ref) {
        first.set(s.key, s);
        continue;
      }
      for (const [field, value] of Object.entries(s.settings)) {
        const expected = ref.settings[field];
        if (expected === undefined || value === undefined || expected === value) continue;
        report(
          s.env.file,
          `backend.${field}`,
          `${s.what} is also named by ${ref.env.file}, where ${field} is ${JSON.stringify(expected)}; here it is ${JSON.stringify(value)} (written or by default): give every environment that names it the same ${field}${s.stackName ?? ref.stackName ? `, as it is created once, by ${s.stackName ?? ref.stackName}` : ''}`,
        );
        break;
      }
    }
    // Two different shared things must not land in one bootstrap stack (project names that differ only in case or spaces).
    const byStack = new Map<string, Shared>();
    for (const s of shared) {
      if (!s.stackName) continue;
      const other = byStack.get(s.stackName);
      if (other && other.key !== s.key) {
        report(s.env.file, 'backend.project', `${s.what} and ${other.what} (${other.env.file}) would both be created by stack ${s.stackName}: rename one of the projects`);
      } else if (!other) byStack.set(s.stackName, s);
    }
  }),
  folderRule('unique-stack-names', 'No environment bootstrap stack takes the name of a shared bootstrap stack.', (environments, report) => {
    // bootstrap-<env> of an environment named state-<bucket> or tfc-<org>-<project> would be the shared stack's name:
    // one folder, one state file, two stacks.
    const shared = new Map<string, { file: string; what: string }>();
    for (const env of environments) {
      const b = env.plan.backend;
      if (b.type === 'gcs' && b.createdBucket) shared.set(b.createdBucket.stackName, { file: env.file, what: `creates state bucket ${shown(b.bucket)}` });
      if (b.type === 'cloud' && b.createdProject) shared.set(b.createdProject.stackName, { file: env.file, what: `creates Terraform Cloud project ${shown(b.project)}` });
    }
    for (const env of environments) {
      const clash = env.plan.bootstrapStackName ? shared.get(env.plan.bootstrapStackName) : undefined;
      if (clash) {
        report(env.file, '', `environment ${env.plan.name}'s stack ${env.plan.bootstrapStackName} has the name of the stack that ${clash.what} (${clash.file}): rename this environment file`);
      }
    }
  }),
  folderRule('unique-state-locations', 'Two environments never share a state location (a GCS prefix, or one inside another; a Terraform Cloud workspace).', (environments, report) => {
    // GCS: each state is the object `<prefix>/<env>-<stack>/default.tfstate`, and the gcs backend lists workspaces
    // under `<prefix>/`: one environment's location inside another's is as much a clash as the same one.
    const locations = environments.flatMap((env) => {
      const b = env.plan.backend;
      if (b.type === 'gcs') return Object.values(b.statePrefixes).map((prefix) => ({ env, kind: 'gcs', text: `gs://${b.bucket}/${prefix}`, path: 'backend.prefix' }));
      if (b.type === 'cloud') return Object.values(b.workspaces).map((w) => ({ env, kind: 'cloud', text: `${b.hostname}/${b.organization}/${w}`, path: 'backend.workspacePrefix' }));
      return [];
    });
    const clash = (a: (typeof locations)[number], b: (typeof locations)[number]) =>
      a.kind === b.kind && (a.text === b.text || (a.kind === 'gcs' && (a.text.startsWith(`${b.text}/`) || b.text.startsWith(`${a.text}/`))));
    locations.forEach((a, i) => {
      for (const b of locations.slice(i + 1)) {
        if (a.env.file === b.env.file || !clash(a, b)) continue;
        const how = a.text === b.text ? 'is also the state of' : 'overlaps the state of';
        report(b.env.file, b.path, `state ${b.text} ${how} ${a.env.file} (${a.path}: ${a.text}); give each environment its own prefix or workspace prefix`);
        report(a.env.file, a.path, `state ${a.text} ${how} ${b.env.file} (${b.path}: ${b.text}); give each environment its own prefix or workspace prefix`);
      }
    });
  }),
];
