import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CHART_DIR, K8sObject, findObject, renderChart } from '../support/helm';
import { PodNetwork, canUseNetns } from '../support/netns';
import { BUSYBOX, BUSYBOX_BIN, CNI_PLUGIN_DIR, ensureBusybox, ensureCniPlugins } from '../support/tools';

/**
 * A node starting the chart's DaemonSet pod, emulated: the kubelet runs the rendered init containers one after another
 * and stops at the first that fails (Kubernetes "Init Containers": each must succeed before the next starts), and the
 * container runtime takes the node's default network from the first file of /etc/cni/net.d in lexical order
 * (containerd's CRI plugin: max_conf_num 1, go-cni / libcni ConfFiles over .conf, .conflist and .json). Each init
 * container does, on the emulated node's folders, what its image does on a GKE node: install-binary copies the multus
 * and ipvlan binaries, install-whereabouts the whereabouts binary and its kubeconfig, install-multus-config writes
 * 00-multus.conf, and write-node-block-config is the chart's own script, run for real on the node's network namespace
 * against a stand-in metadata server. GKE's own CNI is there before (10-gke-ptp.conflist: ptp and host-local, the
 * reference plugins GKE's file names). A pod is then attached as the runtime would: CNI ADD of eth0 through the default
 * network's file, with the real plugins.
 */
const lib = readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8');
const writer = `${lib}\n${readFileSync(path.join(CHART_DIR, 'files', 'write-node-block-config.sh'), 'utf8')}`;
const values = { networks: [{ name: 'fast', namespace: 'default', master: 'eth1', mode: 'l2', range: '172.16.2.0/24', ipam: 'node-block', nodeBlockPrefix: 28 }] };
const rendered = renderChart(values);
const daemonSet = findObject(rendered, 'DaemonSet', 'gke-multinet');
const multusConf = (findObject(rendered, 'ConfigMap', 'multus-cni-config').data as Record<string, string>)['cni-conf.json'];
const initOrder = (daemonSet.spec.template.spec.initContainers as K8sObject[]).map((c) => c.name as string);
const GKE_CONF = '10-gke-ptp.conflist';
const gkeConflist = {
  cniVersion: '0.3.1',
  name: 'gke-pod-network',
  plugins: [{ type: 'ptp', mtu: 1460, ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]] } }],
};

interface Node {
  readonly conf: string;
  readonly bin: string;
  readonly ipamDir: string;
}

/** A stand-in binary: present and executable, as the image copies it, but not to be run here. */
function standIn(file: string): void {
  writeFileSync(file, '#!/bin/sh\necho "stand-in, not run in this emulation" >&2\nexit 1\n');
  chmodSync(file, 0o755);
}

/** What each init container does to the node; returns whether it succeeded. */
function runInit(name: string, node: Node, network: PodNetwork, metadataServed: boolean): { ok: boolean; log: string } {
  switch (name) {
    case 'install-binary':
      for (const binary of ['multus', 'ipvlan']) standIn(path.join(node.bin, binary));
      return { ok: true, log: '' };
    case 'install-whereabouts':
      standIn(path.join(node.bin, 'whereabouts'));
      mkdirSync(path.join(node.conf, 'whereabouts.d'), { recursive: true });
      writeFileSync(path.join(node.conf, 'whereabouts.d', 'whereabouts.kubeconfig'), 'apiVersion: v1\nkind: Config\n');
      return { ok: true, log: '' };
    case 'write-node-block-config': {
      const env = (daemonSet.spec.template.spec.initContainers as K8sObject[]).find((c) => c.name === name)!.env as { name: string; value?: string }[];
      const networks = env.find((e) => e.name === 'NETWORKS')!.value!;
      if (metadataServed) {
        network.serveMetadata('a', {
          'computeMetadata/v1/instance/network-interfaces/': '0/\n1/\n',
          'computeMetadata/v1/instance/network-interfaces/1/': JSON.stringify({ ip: '10.0.2.2', ipAliases: ['172.16.2.16/28'] }),
        }, BUSYBOX);
      }
      // No server: the metadata timeout the issue names. BusyBox's sh and applets, as in the init container's image.
      const result = network.runOnNode('a', writer, { NETWORKS: networks, CONF_DIR: node.conf, NODE_NAME: 'node-a', METADATA_URL: 'http://169.254.169.254/computeMetadata/v1' }, path.join(BUSYBOX_BIN, 'sh'), BUSYBOX_BIN);
      return { ok: result.status === 0, log: result.stdout + result.stderr };
    }
    case 'install-multus-config':
      writeFileSync(path.join(node.conf, '00-multus.conf'), multusConf);
      return { ok: true, log: '' };
    default:
      throw new Error(`the emulation does not know init container ${name}: teach it what the image does`);
  }
}

/** The runtime's default network: the first CNI file of the folder in lexical order (.conf, .conflist, .json). */
function defaultNetwork(conf: string): string {
  return readdirSync(conf).filter((f) => /\.(conf|conflist|json)$/.test(f)).sort()[0];
}

/** The plugin types a CNI file runs (a conflist's chain, or a single .conf's type and its IPAM). */
function pluginsOf(file: string): string[] {
  const config = JSON.parse(readFileSync(file, 'utf8')) as { type?: string; plugins?: { type: string; ipam?: { type: string } }[]; ipam?: { type: string } };
  const steps = config.plugins ?? [config as { type: string; ipam?: { type: string } }];
  return steps.flatMap((s) => [s.type, ...(s.ipam?.type ? [s.ipam.type] : [])]);
}

/**
 * Starts the DaemonSet pod on an emulated node, in `order`, then creates a pod sandbox the way the runtime does.
 * Returns what ran, the default network, and the pod's eth0 address or the runtime's error.
 */
function startNode(order: readonly string[], metadataServed: boolean) {
  const root = mkdtempSync(path.join(tmpdir(), 'node-start-'));
  const node: Node = { conf: path.join(root, 'etc-cni-net.d'), bin: path.join(root, 'home-kubernetes-bin'), ipamDir: path.join(root, 'var-lib-cni') };
  for (const dir of Object.values(node)) mkdirSync(dir, { recursive: true });
  // GKE's CNI, before the chart: its file and the reference plugins it runs.
  writeFileSync(path.join(node.conf, GKE_CONF), JSON.stringify({ ...gkeConflist, plugins: gkeConflist.plugins.map((p) => ({ ...p, ipam: { ...p.ipam, dataDir: node.ipamDir } })) }));
  for (const plugin of ['ptp', 'host-local']) copyFileSync(path.join(CNI_PLUGIN_DIR, plugin), path.join(node.bin, plugin));
  const network = new PodNetwork('bare', 'later');
  try {
    const ran: string[] = [];
    let failed: { name: string; log: string } | undefined;
    for (const name of order) {
      const step = runInit(name, node, network, metadataServed);
      ran.push(name);
      if (!step.ok) {
        failed = { name, log: step.log };
        break;
      }
    }
    const chosen = defaultNetwork(node.conf);
    const missingFor = (file: string) => pluginsOf(path.join(node.conf, file)).filter((p) => !existsSync(path.join(node.bin, p)));
    const missing = missingFor(chosen);
    // Multus itself is a stand-in (its binary is not to be had here): a pod through it is not attached, only checked.
    const sandbox = missing.length > 0
      ? { error: `failed to find plugin ${missing.map((m) => `"${m}"`).join(', ')} in path [${node.bin}]` }
      : chosen === '00-multus.conf' ? { multus: 'every plugin in place' } : network.attachDefault('a', 'a', path.join(node.conf, chosen), node.bin);
    const cniFiles = readdirSync(node.conf).filter((f) => /\.(conf|conflist|json)$/.test(f)).sort();
    // Multus hands eth0 to the cluster network it names: the CNI file of that name in its confDir.
    const clusterNetwork = (JSON.parse(multusConf) as { clusterNetwork: string }).clusterNetwork;
    const delegate = cniFiles.find((f) => (JSON.parse(readFileSync(path.join(node.conf, f), 'utf8')) as { name?: string }).name === clusterNetwork);
    return { ran, failed, chosen, sandbox, cniFiles, delegate, missing: Object.fromEntries(cniFiles.map((f) => [f, missingFor(f)])), bin: readdirSync(node.bin).sort() };
  } finally {
    network.dispose();
    rmSync(root, { recursive: true, force: true });
  }
}

const netns = canUseNetns();
const problem = netns ? (ensureBusybox() ?? ensureCniPlugins()) : 'needs root (network namespaces)';
const maybe = problem ? test.skip : test;

describe('a node starting the chart (init containers as the kubelet runs them, the default network as the runtime picks it)', () => {
  test('has the tools the emulation needs (busybox, the reference CNI plugins, root for namespaces)', () => {
    expect(netns ? problem : undefined).toBeUndefined();
  });

  test('renders the init containers in the order that makes Multus the default last', () => {
    expect(initOrder).toEqual(['install-binary', 'install-whereabouts', 'write-node-block-config', 'install-multus-config']);
  });

  maybe('a node-block writer that fails (no metadata server) leaves the node on GKE\'s CNI, and a new pod still gets eth0', () => {
    const result = startNode(initOrder, false);
    expect(result.failed).toEqual({ name: 'write-node-block-config', log: expect.stringContaining('the metadata server did not answer') });
    expect(result.ran).toEqual(['install-binary', 'install-whereabouts', 'write-node-block-config']);
    expect(result.chosen).toBe(GKE_CONF);
    expect(result.sandbox).toEqual({ interface: 'eth0', address: expect.stringMatching(/^10\.244\.1\.\d+$/) });
  });

  maybe('a node where every init container succeeds gets Multus as its default network, with every plugin it calls in place', () => {
    const result = startNode(initOrder, true);
    expect(result.failed).toBeUndefined();
    expect(result.chosen).toBe('00-multus.conf');
    expect(result.cniFiles).toEqual(['00-multus.conf', GKE_CONF, '99-node-block-fast.conf']);
    // Multus's own binary; the node-block file's ipvlan and host-local; Whereabouts for the attachments that use it.
    expect(result.missing).toEqual({ '00-multus.conf': [], [GKE_CONF]: [], '99-node-block-fast.conf': [] });
    expect(result.bin).toEqual(expect.arrayContaining(['multus', 'ipvlan', 'host-local', 'whereabouts']));
    expect(result.sandbox).toEqual({ multus: 'every plugin in place' });
    expect(result.delegate).toBe(GKE_CONF);
  });

  maybe('the previous order (Multus configuration first, the writer next) leaves a node whose writer fails unable to start pods: the emulation tells the orders apart', () => {
    const guideOrder = ['install-multus-config', 'write-node-block-config', 'install-whereabouts', 'install-binary'];
    const result = startNode(guideOrder, false);
    expect(result.ran).toEqual(['install-multus-config', 'write-node-block-config']);
    expect(result.chosen).toBe('00-multus.conf');
    expect(result.sandbox).toEqual({ error: expect.stringContaining('failed to find plugin "multus"') });
  });
});
