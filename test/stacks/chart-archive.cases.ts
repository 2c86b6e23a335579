import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseTar } from 'nanotar';
import { packChart } from '../../stacks/chart-archive';
import { CHART_DIR, helm, parseYamlDocuments, renderChart } from '../support/helm';
import { HELM, HELM3 } from '../support/tools';

describe('the chart archive a workloads stack ships', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chart-archive-'));
    dirs.push(dir);
    return dir;
  };
  /** A copy of the chart in a fresh folder (another checkout), with file modes as a careless umask leaves them. */
  const copyOfChart = () => {
    const dir = path.join(tempDir(), 'multus-whereabouts');
    cpSync(CHART_DIR, dir, { recursive: true });
    return dir;
  };
  const archive = packChart(CHART_DIR);
  const entries = parseTar(gunzipSync(readFileSync(archive)));

  test('is the same bytes for a copy of the chart in another folder', () => {
    expect(readFileSync(packChart(copyOfChart())).equals(readFileSync(archive))).toBe(true);
  });

  test('changes with any byte of the chart', () => {
    const copy = copyOfChart();
    writeFileSync(path.join(copy, 'values.yaml'), `${readFileSync(path.join(copy, 'values.yaml'), 'utf8')}\n# changed\n`);
    expect(packChart(copy)).not.toBe(archive);
  });

  test('holds every file of the chart under one top-level folder, sorted, with no owner, time or mode of this machine', () => {
    expect(entries.map((e) => e.name)).toEqual([...entries.map((e) => e.name)].sort());
    expect(entries.every((e) => e.name.startsWith('multus-whereabouts/'))).toBe(true);
    expect(entries.map((e) => e.name)).toContain('multus-whereabouts/crds/whereabouts.cni.cncf.io_ippools.yaml');
    for (const e of entries) expect({ name: e.name, ...e.attrs }).toEqual({ name: e.name, mode: '0000644', uid: 0, gid: 0, mtime: 0, user: '', group: '' });
  });

  test('is gzip without compression choices and with no operating system in its header', () => {
    const bytes = readFileSync(archive);
    expect([bytes[0], bytes[1], bytes[9]]).toEqual([0x1f, 0x8b, 0xff]);
  });

  test.each([
    ['Helm 4', HELM],
    ['Helm 3', HELM3],
  ])('lints and renders with %s exactly as the chart folder does', (_, binary) => {
    expect(helm(['lint', archive], undefined, binary).ok).toBe(true);
    const rendered = helm(['template', 'multinet', archive, '--namespace', 'kube-system', '--include-crds'], undefined, binary);
    expect(parseYamlDocuments(rendered.stdout)).toEqual(renderChart(undefined, CHART_DIR, [], binary));
  });

  test('rejects a chart file whose path a tar header cannot hold', () => {
    const copy = copyOfChart();
    mkdirSync(path.join(copy, 'templates', 'x'.repeat(60)));
    writeFileSync(path.join(copy, 'templates', 'x'.repeat(60), `${'y'.repeat(30)}.yaml`), '');
    expect(() => packChart(copy)).toThrow(/has a path longer than 100 bytes, which a tar header cannot hold/);
  });
});
