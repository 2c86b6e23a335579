import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Testing } from 'cdktf';
import { MultusWhereabouts } from '../../modules';
import { environmentJsonSchema } from '../../stacks/environment';
import { CHART_DIR, K8sObject, helm, renderChart } from '../support/helm';
import { PROJECT_ROOT } from '../support/tools';

/** The runbook names real things: these tests keep its commands in step with the chart, the stacks and the scripts. */
const runbook = readFileSync(path.join(PROJECT_ROOT, 'docs', 'operations.md'), 'utf8');
const commands = [...runbook.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n') + [...runbook.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]).join('\n');

describe('docs/operations.md', () => {
  test.each([
    ['first deploy', /^## First deploy of an environment$/m],
    ['adding or removing a network', /^## Add or remove a network without downtime$/m],
    ['upgrading the chart and its CRDs', /^## Upgrade the chart and its CRDs$/m],
    ['GKE upgrades', /^## GKE version upgrades$/m],
    ['Whereabouts IP leaks', /^## Whereabouts IP leaks after node failures$/m],
    ['pods without net1', /^## Pods without net1$/m],
    ['a node that is down', /^## A node is down$/m],
    ['destroying an environment', /^## Destroy an environment safely$/m],
    ['recovering a lost local state', /^## Recover from a lost local state$/m],
  ])('has a procedure for %s', (_, heading) => {
    expect(runbook).toMatch(heading);
  });

  const rendered = renderChart({
    networks: [
      { name: 'dataplane', namespace: 'default', master: 'eth1', mode: 'l2', range: '172.16.1.0/24' },
      { name: 'fast', namespace: 'default', master: 'eth2', mode: 'l2', range: '172.16.2.0/24', ipam: 'node-block', nodeBlockPrefix: 28 },
    ],
  });
  const daemonset = rendered.find((o) => o.kind === 'DaemonSet') as K8sObject;

  test('names the DaemonSet, its namespace and its pod label as the chart renders them', () => {
    expect(daemonset.metadata).toMatchObject({ name: 'gke-multinet', namespace: 'kube-system' });
    expect(daemonset.spec.template.metadata.labels.app).toBe('gke-multinet');
    expect(commands).toContain('ds/gke-multinet');
    expect(commands).toContain('-l app=gke-multinet');
  });

  test('reads logs only from containers the DaemonSet has', () => {
    const containers = [...daemonset.spec.template.spec.containers, ...daemonset.spec.template.spec.initContainers].map((c: K8sObject) => c.name);
    const used = [...commands.matchAll(/ -c ([a-z-]+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(containers).toContain(name);
  });

  test('waits for, and warns about, exactly the CRDs the chart ships', () => {
    const crds = readdirSync(path.join(CHART_DIR, 'crds')).map((f) => parseAllDocuments(readFileSync(path.join(CHART_DIR, 'crds', f), 'utf8'))[0].toJSON().metadata.name as string);
    const waited = [...commands.matchAll(/crd\/([a-z0-9.-]+)/g)].map((m) => m[1]);
    expect(waited.sort()).toEqual(crds.sort());
    expect(commands).toContain('kubectl apply --server-side --force-conflicts -f charts/multus-whereabouts/crds/');
  });

  test('names the Helm release the workloads stack installs, in its namespace', () => {
    expect(commands).toContain('helm test multus-whereabouts --namespace kube-system');
  });

  test('runs only npm scripts that exist and cdktf commands the CLI has', () => {
    const scripts = Object.keys(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')).scripts);
    for (const [, script] of commands.matchAll(/npm run ([a-z:]+)/g)) expect(scripts).toContain(script);
    for (const [, sub] of commands.matchAll(/npx cdktf ([a-z]+)/g)) expect(['deploy', 'destroy', 'diff', 'output', 'synth']).toContain(sub);
  });

  test("quotes the plan-time warning of a node that is down as the module writes it, and the module points back here", () => {
    const json = JSON.parse(Testing.synthScope((scope) => new MultusWhereabouts(scope, 'multus', { chartPath: './c.tgz', networks: [{ name: 'n', master: 'eth1', range: '172.16.1.0/24' }] })));
    const release = Object.values(json.resource.helm_release)[0] as K8sObject;
    const message = json.check.multus_nodes_ready.assert[0].error_message as string;
    expect(message).toContain('runbook: "A node is down"');
    expect(runbook).toContain(message.slice(message.indexOf('} are not Ready') + 2, message.indexOf('until the timeout') + 'until the timeout'.length));
    expect(release.atomic).toBe(false);
  });

  test('reads the test pods by the component labels the chart gives them', () => {
    const components = new Set(rendered.map((o) => o.metadata.labels?.['app.kubernetes.io/component']).filter(Boolean));
    for (const [, list] of commands.matchAll(/app\.kubernetes\.io\/component in \(([^)]+)\)/g)) for (const c of list.split(',')) expect(components).toContain(c);
  });

  test('reads only environment fields the schema defines', () => {
    const schema = environmentJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    for (const [, field] of commands.matchAll(/jq -r \.([a-zA-Z.]+) environments/g)) {
      const [top, child] = field.split('.');
      expect(schema.properties[top]).toBeDefined();
      if (child) expect(schema.properties[top].properties?.[child]).toBeDefined();
    }
  });

  test('says what to record on the first live run, with the same commands as the chart NOTES print', () => {
    const section = runbook.slice(runbook.indexOf('## The first live run: what to record'), runbook.indexOf('## Add or remove a network'));
    const notes = helm(['install', 'multus-whereabouts', CHART_DIR, '--dry-run=client', '--namespace', 'kube-system', '--set', 'networks[0].name=dataplane', '--set', 'networks[0].master=eth1', '--set', 'networks[0].range=172.16.1.0/24']).stdout;
    for (const command of ['logs -l app=gke-multinet -c write-node-block-config --prefix', "--format='yaml(networkInterfaces)'", "--tunnel-through-iap --command 'ls /home/kubernetes/bin /etc/cni/net.d'"]) {
      expect(section).toContain(command);
      expect(notes).toContain(command);
    }
  });
});
