import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR } from '../support/helm';
import { BUSYBOX, BUSYBOX_BIN, CNI_PLUGIN_DIR, TESTED_BUSYBOX_VERSION, busyboxBanner, ensureBusybox, ensureCniPlugins } from '../support/tools';
import { containsAddress, parseCidr } from '../../modules/facts';
import { CniAddressing, ETH0, Layout, PodNetwork, canUseNetns } from '../support/netns';

/**
 * The cross-node check, run for real: two pods on two "nodes" made of network namespaces (see test/support/netns),
 * each with eth0 on a cluster network and net1 off its node's eth1, each running the script exactly as the test Job
 * does (sh -c <lib + script>, user 65534, busybox's tools only). PEER_HOST stands in for the peer's DNS name.
 */
// One describe block for every emulation below: jest starts a block's concurrent tests together, so their waits (the
// failing cases wait out their limits on purpose) overlap instead of adding up, one block after another.
describe('the data plane on emulated nodes', () => {
// check-cross-node.sh between two nodes.
{
  const script = `${readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8')}\n${readFileSync(path.join(CHART_DIR, 'files', 'check-cross-node.sh'), 'utf8')}`;
  const netns = canUseNetns();
  const busyboxProblem = netns ? ensureBusybox() : undefined;
  const cniProblem = netns ? ensureCniPlugins() : undefined;
  const pair: [string, string] = ['172.16.1.7', '172.16.1.42'];
  const env = (node: string, peer: 'a' | 'b', extra: Record<string, string> = {}) => ({
    INTERFACE: 'net1',
    RANGE: '172.16.1.0/24',
    NODE_NAME: node,
    NETWORK: 'dataplane',
    ATTACHMENT: 'default/dataplane',
    PORT: '7777',
    DISCOVERY_PORT: '7778',
    PEER_HOST: ETH0[peer],
    // Passing runs end as soon as both directions are proven (a loaded machine can take seconds), within jest's 30 s;
    // failing ones set their own short limit.
    TIMEOUT_SECONDS: '20',
    TEST_IMAGE: 'mirror.gcr.io/library/busybox:1.37.0-musl',
    JOB: 'dataplane-cross-node-test',
    NAMESPACE: 'default',
    ...extra,
  });
  /** Both pods at once, as the Job runs them, under busybox's sh (the image's shell) unless told otherwise. */
  async function runPair(
    layout: Layout,
    nodes: [string, string],
    extra: Record<string, string> = {},
    shell = path.join(BUSYBOX_BIN, 'sh'),
    bin = BUSYBOX_BIN,
    addressing: [string, string] | CniAddressing = pair,
  ) {
    const network = new PodNetwork(layout, addressing);
    try {
      const results = await Promise.all([network.run('a', script, env(nodes[0], 'b', extra), shell, bin), network.run('b', script, env(nodes[1], 'a', extra), shell, bin)]);
      return Object.assign(results, { net1: network.net1 });
    } finally {
      network.dispose();
    }
  }
  const maybe = netns ? test.concurrent : test.skip;
  /** Status and output together, so a failing assertion shows what the script said. */
  const outcome = (r: { status: number | null; stdout: string; stderr: string }) => ({ status: r.status, stdout: r.stdout + r.stderr });

  test('has busybox to run the script with (Debian busybox-static 1.37.0, or the build npm run test:shipped-busybox makes)', () => {
    expect(busyboxProblem).toBeUndefined();
  });

  (netns ? test : test.skip)('runs the scripts on the BusyBox version the chart\'s images ship', () => {
    const values = parse(readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8')) as { tests: { image: { tag: string } }; nodeBlock: { image: { tag: string } } };
    const shipped = [values.tests.image.tag, values.nodeBlock.image.tag].map((tag) => tag.replace(/-.*$/, ''));
    expect(shipped).toEqual([TESTED_BUSYBOX_VERSION, TESTED_BUSYBOX_VERSION]);
    expect(busyboxBanner()).toMatch(new RegExp(`^BusyBox v${TESTED_BUSYBOX_VERSION.replace(/\./g, '\\.')} `));
    // Under npm run test:shipped-busybox, the image's own build (its nc is the netcat 1.10 port), not Debian's.
    if (process.env.GKE_MULTINET_EXPECT_SHIPPED_BUSYBOX) expect(busyboxBanner()).not.toContain('Debian');
  });

  test('has the reference CNI plugins to attach pods with (Debian containernetworking-plugins)', () => {
    expect(cniProblem).toBeUndefined();
  });

  maybe('passes when the peer on the other node answers, in both directions, naming nodes and addresses', async () => {
    const [a, b] = await runPair('two-nodes', ['node-a', 'node-b']);
    expect([outcome(a), outcome(b)]).toEqual([{ status: 0, stdout: expect.any(String) }, { status: 0, stdout: expect.any(String) }]);
    expect(a.stdout).toContain('network dataplane: this pod runs on node node-a with net1 172.16.1.7; it asks 10.244.0.2 (port 7778, over eth0) for its peer\'s net1 address');
    expect(a.stdout).toContain('peer: 10.244.0.2 runs on node node-b with net1 172.16.1.42');
    expect(a.stdout).toContain('reached: sent data to 172.16.1.42 over net1 and got the answer of node node-b');
    expect(a.stdout).toContain('reached by: 172.16.1.42 (node node-b) connected to 172.16.1.7 over net1 and sent its data');
    expect(a.stdout.trim().split('\n').pop()).toBe('PASS: data flows both ways over net1 between node node-a (172.16.1.7, its node\'s block unknown) and node node-b (172.16.1.42, its node\'s block unknown) on network dataplane: whether an address outside its node\'s alias block is delivered stays open: the blocks are not all known. This proves these two addresses on these two nodes, not every address of the range.');
    expect(b.stdout.trim().split('\n').pop()).toBe('PASS: data flows both ways over net1 between node node-b (172.16.1.42, its node\'s block unknown) and node node-a (172.16.1.7, its node\'s block unknown) on network dataplane: whether an address outside its node\'s alias block is delivered stays open: the blocks are not all known. This proves these two addresses on these two nodes, not every address of the range.');
  });

  maybe('passes with the addresses the CNI plugins hand out, which the pods learn from each other', async () => {
    // macvlan + host-local with one store for both nodes: the lowest free addresses of the range whatever the node,
    // as Whereabouts allocates; neither the test nor the script names them in advance.
    const cni: CniAddressing = { pluginDir: CNI_PLUGIN_DIR, store: 'cluster', ranges: ['172.16.1.0/24', '172.16.1.0/24'] };
    const result = await runPair('two-nodes', ['node-a', 'node-b'], {}, undefined, undefined, cni);
    const [a, b] = result;
    const { a: addressA, b: addressB } = result.net1;
    expect([addressA, addressB].sort()).toEqual(['172.16.1.2', '172.16.1.3']);
    expect([outcome(a), outcome(b)]).toEqual([{ status: 0, stdout: expect.any(String) }, { status: 0, stdout: expect.any(String) }]);
    expect(a.stdout).toContain(`peer: 10.244.0.2 runs on node node-b with net1 ${addressB}`);
    expect(a.stdout.trim().split('\n').pop()).toBe(`PASS: data flows both ways over net1 between node node-a (${addressA}, its node's block unknown) and node node-b (${addressB}, its node's block unknown) on network dataplane: whether an address outside its node's alias block is delivered stays open: the blocks are not all known. This proves these two addresses on these two nodes, not every address of the range.`);
  });

  maybe('fails clearly, on both pods, when the network drops traffic between the nodes', async () => {
    // The pods first find each other over eth0 (it works here), then wait out the limit on net1: a limit that leaves a
    // loaded machine time for the first part.
    const [a, b] = await runPair('dropped', ['node-a', 'node-b'], { TIMEOUT_SECONDS: '6' });
    expect([a.status, b.status]).toEqual([1, 1]);
    expect(a.stdout).toContain('peer: 10.244.0.2 runs on node node-b with net1 172.16.1.42');
    expect(a.stdout).toContain('FAIL: no data exchanged with the peer 172.16.1.42 over net1 within 6s');
    expect(a.stdout).toContain('kubectl get pods -n default -l batch.kubernetes.io/job-name=dataplane-cross-node-test -o wide');
    expect(a.stdout).toContain('traffic between them is dropped on network dataplane; whether an address lies outside its node\'s alias block is unknown here');
    expect(b.stdout).toContain('FAIL: no data exchanged with the peer 172.16.1.7');
  });

  maybe('fails clearly when the pods cannot learn each other\'s address over eth0', async () => {
    const [a] = await runPair('no-discovery', ['node-a', 'node-b'], { TIMEOUT_SECONDS: '3' });
    expect(a.status).toBe(1);
    expect(a.stdout).toContain("FAIL: could not learn the peer's net1 address: 10.244.0.2 did not answer on port 7778 over eth0 within 3s (last attempt: ");
    expect(a.stdout).toContain('a NetworkPolicy in namespace default may block traffic between pods on port 7778');
  });

  maybe('fails clearly when the pod has no net1 (Multus did not attach it)', async () => {
    const [a] = await runPair('no-interface', ['node-a', 'node-b'], { TIMEOUT_SECONDS: '2' });
    expect(a.status).toBe(1);
    expect(a.stdout.trim()).toBe(
      "FAIL: the pod on node node-a has no interface net1: Multus did not attach default/dataplane (see the pod's k8s.v1.cni.cncf.io/network-status annotation; a pod that started before Multus was ready on its node never gets it)",
    );
  });

  maybe('fails when net1 has an address outside the attachment\'s range', async () => {
    const [a] = await runPair('two-nodes', ['node-a', 'node-b'], { RANGE: '172.16.2.0/24', TIMEOUT_SECONDS: '2' });
    expect([a.status, a.stdout.trim()]).toEqual([1, "FAIL: net1 on node node-a has 172.16.1.7, outside default/dataplane's range 172.16.2.0/24"]);
  });

  maybe('says plainly that traffic between nodes was not checked when both pods run on one node, and passes', async () => {
    const [a, b] = await runPair('one-node', ['node-a', 'node-a']);
    expect([outcome(a), outcome(b)]).toEqual([{ status: 0, stdout: expect.any(String) }, { status: 0, stdout: expect.any(String) }]);
    expect(a.stdout).toContain('PASS: pods on one node exchange data over net1 both ways (172.16.1.7 and 172.16.1.42, node node-a).');
    expect(a.stdout).toContain('NOTICE: traffic between nodes was NOT checked: both test pods ran on node node-a');
  });

  maybe("hears a peer whose line comes late (a busy node): the connection stays open until it arrives", async () => {
    // Pod b stands in for a peer on a loaded node: it tells its address over eth0, answers at once on net1 but sends
    // its own line a second after connecting, and connects only once. busybox nc closes a connection when its stdin
    // ends, so a listener whose stdin ended on a timer would lose that line and report traffic one way only.
    const hello = 'HELLO network=dataplane node=node-b address=172.16.1.42';
    const latePeer = `
      ( while :; do printf '%s\\n' 'ADDRESS network=dataplane node=node-b address=172.16.1.42' | nc -l -p 7778; done ) > /dev/null 2>&1 &
      answering=$!
      ( { printf '%s\\n' '${hello}'; sleep 4; } | nc -l -p 7777 > /dev/null ) &
      sleep 1
      { sleep 1; printf '%s\\n' '${hello}'; sleep 2; } | nc 172.16.1.7 7777 > /dev/null
      wait $!
      kill $answering`;
    const network = new PodNetwork('two-nodes', pair);
    try {
      const [a] = await Promise.all([
        network.run('a', script, env('node-a', 'b'), path.join(BUSYBOX_BIN, 'sh'), BUSYBOX_BIN),
        network.run('b', latePeer, {}, path.join(BUSYBOX_BIN, 'sh'), BUSYBOX_BIN),
      ]);
      expect(outcome(a)).toEqual({ status: 0, stdout: expect.stringContaining('reached by: 172.16.1.42 (node node-b) connected to 172.16.1.7 over net1 and sent its data') });
    } finally {
      network.dispose();
    }
  });

  maybe('fails on one node when tests.requireCrossNode is set', async () => {
    const [a] = await runPair('one-node', ['node-a', 'node-a'], { REQUIRE_CROSS_NODE: 'true' });
    expect(outcome(a)).toEqual({
      status: 1,
      stdout: expect.stringContaining('FAIL: both test pods ran on node node-a, so traffic between nodes was not checked, and tests.requireCrossNode is true'),
    });
  });

  maybe('fails naming the missing tool and tests.image when the image has no nc', async () => {
    // dash with a PATH of busybox applets but nc: busybox's own sh would find its nc applet whatever PATH says.
    const bin = mkdtempSync(path.join(tmpdir(), 'no-nc-'));
    chmodSync(bin, 0o755);
    for (const tool of ['awk', 'sleep', 'date']) symlinkSync(path.join(BUSYBOX_BIN, tool), path.join(bin, tool));
    try {
      const [a] = await runPair('two-nodes', ['node-a', 'node-b'], { TIMEOUT_SECONDS: '2' }, '/bin/sh', bin);
      expect([a.status, a.stdout.trim()]).toEqual([
        1,
        "FAIL: the test image mirror.gcr.io/library/busybox:1.37.0-musl has no 'nc', which this check needs: set the chart value tests.image to an image with sh, awk, nc, sleep, date (a busybox-based image has them all)",
      ]);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  test('finds its peer by the name the Indexed Job and the headless Service give it, when no PEER_HOST is set', () => {
    // The library, then stand-ins for a pod that has net1, then the check up to the point where it names its peer.
    const lib = readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8');
    const check = readFileSync(path.join(CHART_DIR, 'files', 'check-cross-node.sh'), 'utf8').replace(/^echo "network .*$/m, 'echo "PEER=$peer_host"; exit 0');
    const run = (index: string) =>
      spawnSync(path.join(BUSYBOX_BIN, 'sh'), ['-c', `${lib}\nhas_interface() { return 0; }\ninterface_addresses() { echo 172.16.1.7; }\n${check}`], {
        encoding: 'utf8',
        env: { JOB: 'dataplane-cross-node-test', SERVICE: 'dataplane-cross-node-test', JOB_COMPLETION_INDEX: index, PATH: BUSYBOX_BIN },
      });
    expect(run('0').stdout.trim()).toBe('PEER=dataplane-cross-node-test-1.dataplane-cross-node-test');
    expect(run('1').stdout.trim()).toBe('PEER=dataplane-cross-node-test-0.dataplane-cross-node-test');
    expect(run('').stdout.trim()).toBe("FAIL: JOB_COMPLETION_INDEX is '', not 0 or 1: this pod is not one of the two of the chart's Indexed Job");
  });
}

/**
 * The decisive case, on a VPC emulated as GCP's behaves with alias IP ranges (test/support/netns 'alias-routed': each
 * node's block routed to that node only, ARP answered by the VPC, sources outside a node's block dropped) and on one
 * that delivers everything: the test must tell "an address outside its node's block is delivered" from "it is not" and
 * from "both lay inside". Each pod reads its node's block where the DaemonSet records it (BLOCKS_DIR).
 */
// check-cross-node.sh decides whether an address outside its node's block is delivered.
{
  const script = `${readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8')}\n${readFileSync(path.join(CHART_DIR, 'files', 'check-cross-node.sh'), 'utf8')}`;
  const ready = canUseNetns() && !ensureBusybox();
  const maybe = ready ? test.concurrent : test.skip;
  // maxPodsPerNode 8: a /28 per node; node a owns 172.16.1.0/28, node b 172.16.1.32/28.
  const blocks = { a: '172.16.1.0/28', b: '172.16.1.32/28' } as const;
  /** A node's record, as write-node-block-config writes it, in a folder the pod (user 65534) can read. */
  const recordFor = (content: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'node-blocks-'));
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'eth1_172.16.1.0_24'), `${content}\n`);
    chmodSync(path.join(dir, 'eth1_172.16.1.0_24'), 0o644);
    return dir;
  };
  async function decide(layout: Layout, addresses: [string, string], timeout = '20') {
    const network = new PodNetwork(layout, addresses, 24, blocks);
    const dirs = { a: recordFor(`block ${blocks.a}`), b: recordFor(`block ${blocks.b}`) };
    const env = (node: 'a' | 'b', peer: 'a' | 'b') => ({
      INTERFACE: 'net1', RANGE: '172.16.1.0/24', MASTER: 'eth1', IPAM: 'whereabouts', NODE_NAME: `node-${node}`, NETWORK: 'dataplane',
      ATTACHMENT: 'default/dataplane', PORT: '7777', DISCOVERY_PORT: '7778', PEER_HOST: ETH0[peer], TIMEOUT_SECONDS: timeout,
      JOB: 'dataplane-cross-node-test', NAMESPACE: 'default', BLOCKS_DIR: dirs[node],
    });
    try {
      const sh = path.join(BUSYBOX_BIN, 'sh');
      return await Promise.all([network.run('a', script, env('a', 'b'), sh, BUSYBOX_BIN), network.run('b', script, env('b', 'a'), sh, BUSYBOX_BIN)]);
    } finally {
      network.dispose();
      for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
    }
  }
  const last = (r: { stdout: string }) => r.stdout.trim().split('\n').pop();

  maybe('reports, for each address, whether it lies in its own node\'s block', async () => {
    const [a] = await decide('alias-routed', ['172.16.1.7', '172.16.1.42']);
    expect(a.stdout).toContain('node node-a has the alias block 172.16.1.0/28 of 172.16.1.0/24 on its NIC for network dataplane');
    expect(a.stdout).toContain("address 172.16.1.7 (this pod, node node-a): inside its node's block 172.16.1.0/28");
    expect(a.stdout).toContain("address 172.16.1.42 (the peer, node node-b): inside its node's block 172.16.1.32/28");
  });

  maybe('passes, saying the outside case was not tested, when both addresses lie inside their nodes\' blocks of an alias-routed VPC', async () => {
    const [a, b] = await decide('alias-routed', ['172.16.1.7', '172.16.1.42']);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(last(a)).toBe("PASS: data flows both ways over net1 between node node-a (172.16.1.7, inside its node's block 172.16.1.0/28) and node node-b (172.16.1.42, inside its node's block 172.16.1.32/28) on network dataplane: addresses inside their nodes' alias blocks are delivered between nodes; whether an address outside its node's block is (Whereabouts hands such addresses out) was not tested, as both lay inside: run the test again when the range's lowest free addresses lie in one node's block. This proves these two addresses on these two nodes, not every address of the range.");
  });

  maybe('fails, naming the address outside its node\'s block and the way out, when an alias-routed VPC does not deliver it', async () => {
    // Pod b on node b got 172.16.1.8, in node a's block: what Whereabouts does when the lowest free address is there.
    const [a, b] = await decide('alias-routed', ['172.16.1.7', '172.16.1.8'], '6');
    expect([a.status, b.status]).toEqual([1, 1]);
    expect(b.stdout).toContain("address 172.16.1.8 (this pod, node node-b): OUTSIDE its node's block 172.16.1.32/28");
    expect(b.stdout).toContain("If both pods ran on different nodes: an address outside its node's alias block (172.16.1.8: OUTSIDE its node's block 172.16.1.32/28; 172.16.1.7: inside its node's block 172.16.1.0/28) was not delivered on network dataplane.");
    expect(b.stdout).toContain('use ipam node-block for this network');
  });

  maybe('passes, saying an outside address was delivered, on a VPC that delivers it', async () => {
    const [a, b] = await decide('two-nodes', ['172.16.1.7', '172.16.1.8']);
    expect([a.status, b.status]).toEqual([0, 0]);
    expect(last(b)).toBe("PASS: data flows both ways over net1 between node node-b (172.16.1.8, OUTSIDE its node's block 172.16.1.32/28) and node node-a (172.16.1.7, inside its node's block 172.16.1.0/28) on network dataplane: an address outside its node's alias block is delivered between nodes on this network. This proves these two addresses on these two nodes, not every address of the range.");
  });

  maybe('says why a node\'s block is unknown when the DaemonSet could not read it', async () => {
    const network = new PodNetwork('two-nodes', ['172.16.1.7', '172.16.1.42']);
    const dir = recordFor('unknown the metadata server did not answer (http://169.254.169.254/computeMetadata/v1/instance/network-interfaces/): this init container must run on the host network');
    try {
      const env = { INTERFACE: 'net1', RANGE: '172.16.1.0/24', MASTER: 'eth1', NODE_NAME: 'node-a', NETWORK: 'dataplane', PEER_HOST: ETH0.b, TIMEOUT_SECONDS: '1', BLOCKS_DIR: dir };
      const a = await network.run('a', script, env, path.join(BUSYBOX_BIN, 'sh'), BUSYBOX_BIN);
      expect(a.stdout).toContain('node node-a: its alias block of network dataplane is unknown (write-node-block-config could not read it: the metadata server did not answer');
    } finally {
      network.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * node-block addressing, run for real on two emulated nodes: each node has its own alias block of the network's range,
 * served by a stand-in Compute Engine metadata server on 169.254.169.254 inside the node's namespace (busybox httpd).
 * The chart's init-container script writes each node's CNI file; pods are attached through that very file by the real
 * CNI plugins (host-local, and macvlan in place of ipvlan, which this kernel lacks: in bridge mode it delivers like
 * IPVLAN L2); the cross-node check then runs unchanged.
 */
// node-block addressing on two emulated nodes.
{
  const lib = readFileSync(path.join(CHART_DIR, 'files', 'lib.sh'), 'utf8');
  const write = `${lib}\n${readFileSync(path.join(CHART_DIR, 'files', 'write-node-block-config.sh'), 'utf8')}`;
  const check = `${lib}\n${readFileSync(path.join(CHART_DIR, 'files', 'check-cross-node.sh'), 'utf8')}`;
  const netns = canUseNetns();
  const ready = netns && !ensureBusybox() && !ensureCniPlugins();
  const maybe = ready ? test.concurrent : test.skip;
  const sh = path.join(BUSYBOX_BIN, 'sh');
  // GKE gives each node's eth1 its own /28 of the network's 172.16.2.0/24 (maxPodsPerNode 8).
  const blocks = { a: '172.16.2.16/28', b: '172.16.2.32/28' } as const;
  const nic = (aliases: string[]) => ({
    'computeMetadata/v1/instance/network-interfaces/': '0/\n1/\n',
    'computeMetadata/v1/instance/network-interfaces/1/': JSON.stringify({ ip: '10.0.2.2', ipAliases: aliases, network: 'projects/1/networks/fast' }),
  });

  maybe("writes each node's CNI file from its own alias block; pods attached through it get addresses there and exchange data across the nodes", async () => {
    const network = new PodNetwork('two-nodes', 'later');
    const records: Partial<Record<'a' | 'b', string>> = {};
    try {
      const configs: Record<string, Record<string, unknown>> = {};
      for (const node of ['a', 'b'] as const) {
        network.serveMetadata(node, nic(['10.9.0.0/28', blocks[node]]), BUSYBOX);
        const dir = mkdtempSync(path.join(tmpdir(), `cni-conf-${node}-`));
        // The node's record of its blocks, which the test pods read (a read-only host folder on GKE).
        records[node] = mkdtempSync(path.join(tmpdir(), `node-blocks-${node}-`));
        chmodSync(records[node], 0o755);
        try {
          const result = network.runOnNode(node, write, { NETWORKS: 'fast eth1 l2 172.16.2.0/24 node-block', CONF_DIR: dir, RECORD_DIR: records[node], NODE_NAME: `node-${node}` }, sh, BUSYBOX_BIN);
          expect({ status: result.status, out: result.stdout + result.stderr }).toEqual({ status: 0, out: expect.stringContaining(`network fast: node node-${node} hands out`) });
          configs[node] = JSON.parse(readFileSync(path.join(dir, '99-node-block-fast.conf'), 'utf8'));
          expect(readFileSync(path.join(records[node], 'eth1_172.16.2.0_24'), 'utf8')).toBe(`block ${blocks[node]}\n`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      expect(configs.a).toEqual({
        cniVersion: '0.3.1',
        name: 'fast',
        type: 'ipvlan',
        master: 'eth1',
        mode: 'l2',
        ipam: { type: 'host-local', ranges: [[{ subnet: '172.16.2.0/24', rangeStart: '172.16.2.17', rangeEnd: '172.16.2.30' }]] },
      });
      expect((configs.b.ipam as { ranges: unknown }).ranges).toEqual([[{ subnet: '172.16.2.0/24', rangeStart: '172.16.2.33', rangeEnd: '172.16.2.46' }]]);
      for (const node of ['a', 'b'] as const) network.attach(node, node, { ...configs[node], type: 'macvlan', mode: 'bridge' }, CNI_PLUGIN_DIR);
      expect(containsAddress(parseCidr(blocks.a), network.net1.a!)).toBe(true);
      expect(containsAddress(parseCidr(blocks.b), network.net1.b!)).toBe(true);
      const env = (node: 'a' | 'b', peer: 'a' | 'b') => ({
        INTERFACE: 'net1', RANGE: '172.16.2.0/24', NODE_NAME: `node-${node}`, NETWORK: 'fast', ATTACHMENT: 'default/fast', PORT: '7777', DISCOVERY_PORT: '7778',
        PEER_HOST: ETH0[peer], TIMEOUT_SECONDS: '20', NODE_BLOCK_PREFIX: '28', JOB: 'fast-cross-node-test', NAMESPACE: 'default',
        MASTER: 'eth1', IPAM: 'node-block', BLOCKS_DIR: records[node]!,
      });
      const [a, b] = await Promise.all([network.run('a', check, env('a', 'b'), sh, BUSYBOX_BIN), network.run('b', check, env('b', 'a'), sh, BUSYBOX_BIN)]);
      expect([a.status, b.status]).toEqual([0, 0]);
      expect(a.stdout).toContain(`node-block: ${network.net1.a} lies in the /28 block 172.16.2.16/28 of 172.16.2.0/24`);
      expect(a.stdout.trim().split('\n').pop()).toBe(`PASS: data flows both ways over net1 between node node-a (${network.net1.a}, inside its node's block ${blocks.a}) and node node-b (${network.net1.b}, inside its node's block ${blocks.b}) on network fast: addresses inside their nodes' alias blocks are delivered between nodes. This proves these two addresses on these two nodes, not every address of the range.`);
    } finally {
      network.dispose();
      for (const dir of Object.values(records)) rmSync(dir!, { recursive: true, force: true });
    }
  });

  /** The init container's script alone on node a, with these metadata server files (none: no server at all). */
  const writeOnNodeA = (metadata?: Record<string, string>) => {
    const network = new PodNetwork('two-nodes', 'later');
    const dir = mkdtempSync(path.join(tmpdir(), 'cni-conf-'));
    try {
      if (metadata) network.serveMetadata('a', metadata, BUSYBOX);
      const result = network.runOnNode('a', write, { NETWORKS: 'fast eth1 l2 172.16.2.0/24 node-block', CONF_DIR: dir, NODE_NAME: 'node-a' }, sh, BUSYBOX_BIN);
      return { status: result.status, stdout: result.stdout.trim(), files: readdirSync(dir) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
      network.dispose();
    }
  };

  maybe('fails the init container, naming the node, the NIC and its alias ranges, when none lies in the network range', async () => {
    expect(writeOnNodeA(nic(['10.9.0.0/28']))).toEqual({
      status: 1,
      stdout: "FAIL: network fast: eth1 of node node-a has no alias range inside 172.16.2.0/24 (its alias ranges: 10.9.0.0/28): is the node pool's additional pod network this network's pod range?",
      files: [],
    });
  });

  maybe('skips, and says so, a node without the NIC (a pool without the network), writing nothing', async () => {
    expect(writeOnNodeA({ 'computeMetadata/v1/instance/network-interfaces/': '0/\n' })).toEqual({
      status: 0,
      stdout: 'network fast: node node-a has no eth1 (a node pool without this network): skipped, no pod here can attach to it',
      files: [],
    });
  });

  maybe('fails when the metadata server does not answer (not on the host network)', async () => {
    expect(writeOnNodeA()).toEqual({
      status: 1,
      stdout: 'FAIL: network fast: the metadata server did not answer (http://169.254.169.254/computeMetadata/v1/instance/network-interfaces/): this init container must run on the host network',
      files: [],
    });
  });
}
});
