import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * Stand-ins for GKE nodes and pods, made of Linux network namespaces (needs root): a "VPC" namespace with a bridge,
 * one namespace per node whose eth1 is plugged into that bridge, and one per pod whose net1 hangs off its node's eth1.
 * net1 is a macvlan in bridge mode, because this kernel has no ipvlan; like IPVLAN L2 it delivers between pods of one
 * node locally and sends everything else out of the node's NIC, across the "VPC".
 */
export type Layout =
  /** Pod a on node a, pod b on node b, the VPC delivers between the nodes. */
  | 'two-nodes'
  /** As two-nodes, but pod b cannot be reached over eth0 (a NetworkPolicy, say): the pods cannot find each other. */
  | 'no-discovery'
  /** As two-nodes, but the VPC drops everything between the nodes (node b's port is not on the bridge). */
  | 'dropped'
  /** Both pods on node a. */
  | 'one-node'
  /** Pod a has no net1 at all (Multus did not attach it). */
  | 'no-interface'
  /** Nodes and pods only: no cluster network, no eth0 (a test attaches eth0 itself, as a runtime does). */
  | 'bare'
  /**
   * As two-nodes, but the VPC delivers as GCP's does with alias IP ranges: it routes each node's block to that node
   * only, answers ARP for the range itself (proxy ARP, as the VPC's virtual gateway does), and drops what a node sends
   * from an address outside its block (strict reverse-path filtering, as anti-spoofing does). The blocks: `aliasBlocks`.
   */
  | 'alias-routed';

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let counter = 0;

/** True when this process may create network namespaces (root on Linux with iproute2). */
export function canUseNetns(): boolean {
  const name = `gmprobe${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', name]).status === 0;
  if (added) spawnSync('ip', ['netns', 'del', name]);
  return added;
}

/**
 * net1 addresses handed out by the real CNI plugins, as Multus has a delegate hand them out: the `macvlan` plugin
 * (this kernel has no ipvlan) creates net1 from the node's eth1 and its `host-local` IPAM allocates the address.
 * `store: 'cluster'` stands in for Whereabouts: one allocation store for both nodes, so the lowest free addresses of
 * `ranges` go to the pods whatever their node. `store: 'node'`: each node its own store and range (`ranges[0]` for
 * node a, `ranges[1]` for node b), as host-local over a node's alias block does.
 */
export interface CniAddressing {
  readonly pluginDir: string;
  readonly store: 'cluster' | 'node';
  readonly ranges: readonly [string, string];
}

/** eth0 of pod a and pod b: the cluster network the pods find each other on. */
export const ETH0 = { a: '10.244.0.1', b: '10.244.0.2' } as const;

export class PodNetwork {
  private readonly prefix = `gm${process.pid}x${counter++}`;
  private readonly namespaces: string[] = [];
  private readonly scratch: string[] = [];
  private readonly queued: string[][] = [];
  /** The net1 address each pod got (without prefix length). */
  readonly net1: Partial<Record<'a' | 'b', string>> = {};

  /**
   * With fixed `addresses`, `addresses[0]` goes to pod a's net1, `addresses[1]` to pod b's, both with `/prefixLength`;
   * with `CniAddressing`, the CNI plugins allocate them.
   */
  constructor(layout: Layout, addresses: readonly [string, string] | CniAddressing | 'later', prefixLength = 24, aliasBlocks?: Readonly<Record<'a' | 'b', string>>) {
    try {
      for (const name of ['vpc', 'cluster', 'node-a', 'node-b', 'pod-a', 'pod-b']) {
        this.ip('netns', 'add', this.ns(name));
        this.namespaces.push(this.ns(name));
        this.ip('-n', this.ns(name), 'link', 'set', 'lo', 'up');
      }
      this.ip('-n', this.ns('vpc'), 'link', 'add', 'br0', 'type', 'bridge');
      this.ip('-n', this.ns('vpc'), 'link', 'set', 'br0', 'up');
      for (const node of ['a', 'b'] as const) {
        this.ip('-n', this.ns(`node-${node}`), 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', `port-${node}`, 'netns', this.ns('vpc'));
        this.ip('-n', this.ns(`node-${node}`), 'link', 'set', 'eth1', 'up');
        this.ip('-n', this.ns('vpc'), 'link', 'set', `port-${node}`, 'up');
        if (layout === 'alias-routed') {
          if (!aliasBlocks) throw new Error('alias-routed needs aliasBlocks');
          this.ip('-n', this.ns('vpc'), 'route', 'add', aliasBlocks[node], 'dev', `port-${node}`);
        } else if (layout !== 'dropped' || node === 'a') {
          this.ip('-n', this.ns('vpc'), 'link', 'set', `port-${node}`, 'master', 'br0');
        }
      }
      // The cluster network (eth0): every pod reaches every other, unless the layout says otherwise.
      this.ip('-n', this.ns('cluster'), 'link', 'add', 'cbr0', 'type', 'bridge');
      this.ip('-n', this.ns('cluster'), 'link', 'set', 'cbr0', 'up');
      for (const pod of layout === 'bare' ? [] : (['a', 'b'] as const)) {
        this.ip('-n', this.ns(`pod-${pod}`), 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `pod-${pod}`, 'netns', this.ns('cluster'));
        this.ip('-n', this.ns(`pod-${pod}`), 'addr', 'add', `${ETH0[pod]}/24`, 'dev', 'eth0');
        this.ip('-n', this.ns(`pod-${pod}`), 'link', 'set', 'eth0', 'up');
        this.ip('-n', this.ns('cluster'), 'link', 'set', `pod-${pod}`, 'up');
        if (layout !== 'no-discovery' || pod === 'a') this.ip('-n', this.ns('cluster'), 'link', 'set', `pod-${pod}`, 'master', 'cbr0');
      }
      this.flush();
      if (layout === 'alias-routed') this.routeLikeTheVpc();
      const store = Array.isArray(addresses) || addresses === 'later' ? undefined : mkdtempSync(path.join(tmpdir(), 'ipam-'));
      if (store) this.scratch.push(store);
      // 'later': net1 comes from attach(), once the test has set the nodes up.
      if (addresses !== 'later') (['a', 'b'] as const).forEach((pod, i) => {
        if (layout === 'no-interface' && pod === 'a') return;
        const node = layout === 'one-node' ? 'a' : pod;
        if (Array.isArray(addresses)) {
          const slave = `net1${pod}`;
          this.ip('-n', this.ns(`node-${node}`), 'link', 'add', 'link', 'eth1', 'name', slave, 'type', 'macvlan', 'mode', 'bridge');
          this.ip('-n', this.ns(`node-${node}`), 'link', 'set', slave, 'netns', this.ns(`pod-${pod}`));
          this.ip('-n', this.ns(`pod-${pod}`), 'link', 'set', slave, 'name', 'net1');
          this.ip('-n', this.ns(`pod-${pod}`), 'addr', 'add', `${addresses[i]}/${prefixLength}`, 'dev', 'net1');
          this.ip('-n', this.ns(`pod-${pod}`), 'link', 'set', 'net1', 'up');
          this.net1[pod] = addresses[i];
        } else {
          this.net1[pod] = this.cniAdd(addresses as CniAddressing, node, pod, store!);
        }
      });
      this.flush();
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  /**
   * Runs `script` in pod `pod` as the test pods do: `sh -c <script>`, as user 65534 with no other privilege, with
   * `env` only and a PATH holding just `binDir` (the image's tools), and a scratch folder as /tmp would be.
   */
  run(pod: 'a' | 'b', script: string, env: Record<string, string>, shell: string, binDir: string): Promise<ScriptResult> {
    const scratch = mkdtempSync(path.join(tmpdir(), `scratch-${pod}-`));
    chmodSync(scratch, 0o777);
    this.scratch.push(scratch);
    const vars = Object.entries({ PATH: binDir, SCRATCH_DIR: scratch, ...env }).map(([k, v]) => `${k}=${v}`);
    const args = ['netns', 'exec', this.ns(`pod-${pod}`), 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--', 'env', '-i', ...vars, shell, '-c', script];
    return new Promise((resolve) => {
      const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  /** The VPC namespace routes between the ports, answers ARP for what it routes elsewhere, and filters sources. */
  private routeLikeTheVpc(): void {
    const settings = ['ipv4/ip_forward=1', 'ipv4/conf/all/rp_filter=1', ...['a', 'b'].flatMap((n) => [`ipv4/conf/port-${n}/rp_filter=1`, `ipv4/conf/port-${n}/proxy_arp=1`])];
    const script = settings.map((s) => `echo ${s.split('=')[1]} > /proc/sys/net/${s.split('=')[0]}`).join('\n');
    execFileSync('ip', ['netns', 'exec', this.ns('vpc'), 'sh', '-ec', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    // The "gateway" address the VPC answers ARP from (a port needs one to route and answer).
    this.ip('-n', this.ns('vpc'), 'addr', 'add', '169.254.0.1/32', 'dev', 'port-a');
    this.ip('-n', this.ns('vpc'), 'addr', 'add', '169.254.0.1/32', 'dev', 'port-b');
    this.flush();
  }

  /** CNI ADD of net1 for `pod` on `node`, as the container runtime and Multus run a delegate; returns the address. */
  private cniAdd(cni: CniAddressing, node: 'a' | 'b', pod: 'a' | 'b', store: string): string {
    const range = cni.store === 'cluster' ? cni.ranges[0] : cni.ranges[node === 'a' ? 0 : 1];
    const config = {
      cniVersion: '0.3.1',
      name: 'dataplane',
      type: 'macvlan',
      master: 'eth1',
      mode: 'bridge',
      // No gateway: a pod network of the guide's kind routes nothing but its own range.
      ipam: { type: 'host-local', ranges: [[{ subnet: range }]], dataDir: cni.store === 'cluster' ? store : path.join(store, `node-${node}`) },
    };
    return this.attach(pod, node, config, cni.pluginDir);
  }

  /**
   * CNI ADD of net1 for `pod` on `node` with a given CNI configuration (its plugin must be one this kernel has: macvlan,
   * not ipvlan), as Multus runs the delegate of a NetworkAttachmentDefinition; returns the address. Host-local's state
   * goes to a folder of this node, as on a node.
   */
  attach(pod: 'a' | 'b', node: 'a' | 'b', config: Record<string, unknown>, pluginDir: string, ifname = 'net1'): string {
    const ipam = config.ipam as Record<string, unknown>;
    if (ipam.type === 'host-local' && ipam.dataDir === undefined) {
      const dataDir = mkdtempSync(path.join(tmpdir(), `ipam-${node}-`));
      this.scratch.push(dataDir);
      config = { ...config, ipam: { ...ipam, dataDir } };
    }
    const result = spawnSync('ip', ['netns', 'exec', this.ns(`node-${node}`), path.join(pluginDir, String(config.type))], {
      input: JSON.stringify(config),
      encoding: 'utf8',
      env: {
        CNI_COMMAND: 'ADD',
        CNI_CONTAINERID: `${this.prefix}-${pod}`,
        CNI_NETNS: `/var/run/netns/${this.ns(`pod-${pod}`)}`,
        CNI_IFNAME: ifname,
        CNI_PATH: pluginDir,
        PATH: process.env.PATH ?? '/usr/bin:/bin',
      },
    });
    if (result.status !== 0) throw new Error(`CNI ADD failed for pod ${pod}: ${result.stdout}${result.stderr}`);
    const address = (JSON.parse(result.stdout) as { ips: { address: string }[] }).ips[0].address.split('/')[0];
    if (ifname === 'net1') this.net1[pod] = address;
    return address;
  }

  /**
   * The pod sandbox's eth0, as the container runtime makes it: CNI ADD through the node's default network `file` (a
   * .conflist runs its chain; here chains of one plugin, as GKE's ptp file), with the plugins of `pluginDir`. Returns
   * the interface and its address, or the runtime's error.
   */
  attachDefault(pod: 'a' | 'b', node: 'a' | 'b', file: string, pluginDir: string): { interface: string; address: string } | { error: string } {
    const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & { plugins?: Record<string, unknown>[] };
    const chain = config.plugins ?? [config];
    if (chain.length !== 1) return { error: `the emulated runtime runs chains of one plugin, not ${chain.length}` };
    try {
      const address = this.attach(pod, node, { cniVersion: config.cniVersion, name: config.name, ...chain[0] }, pluginDir, 'eth0');
      return { interface: 'eth0', address };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  /**
   * A stand-in for the Compute Engine metadata server on `node`: busybox httpd on 169.254.169.254:80 inside the node's
   * namespace, serving `files` (a path under computeMetadata/v1/ ending in `/` is served its index.html).
   */
  serveMetadata(node: 'a' | 'b', files: Record<string, string>, busybox: string): void {
    const root = mkdtempSync(path.join(tmpdir(), `metadata-${node}-`));
    this.scratch.push(root);
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(root, file.endsWith('/') ? `${file}index.html` : file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    this.ip('-n', this.ns(`node-${node}`), 'addr', 'add', '169.254.169.254/32', 'dev', 'lo');
    this.flush();
    execFileSync('ip', ['netns', 'exec', this.ns(`node-${node}`), busybox, 'httpd', '-p', '169.254.169.254:80', '-h', root], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** Runs `script` on `node` itself, as root on the host network (as a hostNetwork init container runs). */
  runOnNode(node: 'a' | 'b', script: string, env: Record<string, string>, shell: string, binDir: string): ScriptResult {
    const vars = Object.entries({ PATH: binDir, ...env }).map(([k, v]) => `${k}=${v}`);
    const result = spawnSync('ip', ['netns', 'exec', this.ns(`node-${node}`), 'env', '-i', ...vars, shell, '-c', script], { encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Kills what still runs in the namespaces and deletes them. */
  dispose(): void {
    this.queued.length = 0;
    // One shell for every namespace; a namespace that is already gone is no error.
    const script = this.namespaces.map((ns) => `pids=$(ip netns pids '${ns}' 2>/dev/null); [ -z "$pids" ] || kill -9 $pids; ip netns del '${ns}'`).join('\n');
    if (script) spawnSync('sh', ['-c', script], { stdio: 'ignore' });
    this.namespaces.length = 0;
    for (const dir of this.scratch) rmSync(dir, { recursive: true, force: true });
  }

  private ns(name: string): string {
    return `${this.prefix}-${name}`;
  }

  /** Queues an `ip` command; `flush` runs the queue. */
  private ip(...args: string[]): void {
    this.queued.push(args);
  }

  /**
   * Runs the queued `ip` commands in order, from one shell: a topology is some forty commands, and each spawned from
   * the test process (a large one, forked for every child) costs more than the command itself.
   */
  private flush(): void {
    if (this.queued.length === 0) return;
    const script = this.queued.map((args) => ['ip', ...args].map((a) => `'${a}'`).join(' ')).join('\n');
    this.queued.length = 0;
    execFileSync('sh', ['-ec', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}
