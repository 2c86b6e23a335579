import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import {
  CUSTOM_MACHINE_TYPE_PATTERN,
  DNS_LABEL_PATTERN,
  GCP_NAME_PATTERN,
  GKE_VERSION_PATTERN,
  MIN_GKE_VERSION,
  NODE_POOL_DEFAULTS,
  PREDEFINED_MACHINE_TYPE_PATTERN,
  PROJECT_ID_PATTERN,
  SERVICE_ACCOUNT_ID_PATTERN,
  VPC_MTU,
} from '../../modules/facts';
import { CHART_FACTS, CHART_VALUES_SCHEMA, chartFactsText, chartValuesSchemaText } from '../../stacks/write-schema';
import { PROJECT_ROOT } from '../support/tools';

/** The hand-written TypeScript the product is made of: main.ts, stacks/ and modules/ (not the facts themselves). */
function sources(): { file: string; text: string }[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(PROJECT_ROOT, dir)).flatMap((name) => {
      const rel = `${dir}/${name}`;
      if (rel === 'modules/facts' || rel === 'modules/terraform') return [];
      return statSync(path.join(PROJECT_ROOT, rel)).isDirectory() ? walk(rel) : rel.endsWith('.ts') ? [rel] : [];
    });
  return ['main.ts', ...walk('stacks'), ...walk('modules')].map((file) => ({ file, text: readFileSync(path.join(PROJECT_ROOT, file), 'utf8') }));
}

/** A fact's literal as a copy would spell it: the pattern's text (in a JS regex or an HCL string), a number, a default. */
const COPIES: Record<string, readonly string[]> = {
  GCP_NAME_PATTERN: [GCP_NAME_PATTERN, GCP_NAME_PATTERN.replace(/^\^/, '/^').replace(/\$$/, '$/')],
  DNS_LABEL_PATTERN: [DNS_LABEL_PATTERN, DNS_LABEL_PATTERN.replace(/^\^/, '/^').replace(/\$$/, '$/')],
  PROJECT_ID_PATTERN: [PROJECT_ID_PATTERN, '[a-z0-9-]{4,28}'],
  SERVICE_ACCOUNT_ID_PATTERN: [SERVICE_ACCOUNT_ID_PATTERN],
  GKE_VERSION_PATTERN: [GKE_VERSION_PATTERN, '(\\.\\d+-gke\\.\\d+)', '([.][0-9]+-gke[.][0-9]+)'],
  CUSTOM_MACHINE_TYPE_PATTERN: [CUSTOM_MACHINE_TYPE_PATTERN, '-custom-('],
  PREDEFINED_MACHINE_TYPE_PATTERN: [PREDEFINED_MACHINE_TYPE_PATTERN, 'standard|highmem|highcpu|megamem'],
  MIN_GKE_VERSION: [`minor: ${MIN_GKE_VERSION.minor}`, `>= ${MIN_GKE_VERSION.major * 1000 + MIN_GKE_VERSION.minor}`],
  SHARED_CORE_VCPUS: ["'e2-micro'", '"e2-micro"'],
  NODE_POOL_DEFAULTS: [`'${NODE_POOL_DEFAULTS.machineType}'`, `'${NODE_POOL_DEFAULTS.diskType}'`],
  SYSTEM_NAMESPACE: ["'kube-system'"],
  BUILT_IN_NAMESPACES: ["'kube-node-lease'", "'kube-public'"],
  NODE_SERVICE_ACCOUNT_NAME_CHARS: ['slice(0, 23)', 'substr(name.stringValue, 0, 23)'],
  VPC_MTU: [`${VPC_MTU.min}, ${VPC_MTU.max}`, `${VPC_MTU.min} to ${VPC_MTU.max}`],
  nodeNicOf: ['`eth${i + 1}`'],
};

describe('facts have one home (modules/facts/)', () => {
  test.each(Object.keys(COPIES))('no source outside modules/facts/ restates %s', (fact) => {
    const found = sources().flatMap(({ file, text }) => COPIES[fact].filter((copy) => text.includes(copy)).map((copy) => `${file}: ${copy}`));
    expect(found).toEqual([]);
  });
});

describe("the chart's networks schema", () => {
  test("is generated from the environment schema's attachment fields (run `npm run schema` after changing either)", () => {
    const file = path.join(PROJECT_ROOT, CHART_VALUES_SCHEMA);
    const current = readFileSync(file, 'utf8');
    expect(current).toBe(chartValuesSchemaText(current));
  });

  test('takes its facts from modules/facts through the generated _facts.tpl (run `npm run schema` after changing them)', () => {
    expect(readFileSync(path.join(PROJECT_ROOT, CHART_FACTS), 'utf8')).toBe(chartFactsText());
  });
});
