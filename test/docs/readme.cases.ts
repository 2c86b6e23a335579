import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/tools';

/** What a newcomer reads first must be true: prerequisites, the commands, their output. */
const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');

describe('README.md for a newcomer', () => {
  test('says the tests need terraform 1.5 or later on PATH, besides Node', () => {
    const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('## On a fresh machine'));
    expect(prerequisites).toContain('The tests also need `terraform` 1.5 or later on `PATH`');
  });

  test('turns the cdktf CLI checkpoint call off before the deploy commands', () => {
    expect(readme).toContain('Every `npx cdktf` command in this README assumes\n`export CHECKPOINT_DISABLE=1`');
    const deploy = readme.slice(readme.indexOf('## Deploy dev'));
    expect(deploy.indexOf('export CHECKPOINT_DISABLE=1')).toBeGreaterThan(-1);
    expect(deploy.indexOf('export CHECKPOINT_DISABLE=1')).toBeLessThan(deploy.indexOf('npx cdktf deploy'));
  });

  test('says how to synthesize some environments only, through npm and through the cdktf CLI', () => {
    expect(readme).toContain('`npm run synth -- prod`');
    expect(readme).toContain("`ENVIRONMENTS=prod npx cdktf deploy 'prod-*'`");
  });
});
