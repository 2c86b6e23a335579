import { applyEvaluations, blames } from '../support/terraform';

/**
 * The harness the plan-time checks of this room are evaluated with (test/support/terraform.ts): many evaluations in few
 * terraform runs must still give each its own result.
 */
describe('terraform evaluations applied together', () => {
  const refused = (name: string) => ({ locals: { x: 1 }, checks: { check: { value: name, precondition: [{ condition: '${local.x == 2}', error_message: `${name} refused.` }] } } });
  const validated = { variables: { v: { type: 'number', validation: [{ condition: '${var.v > 0}', error_message: 'v must be positive.' }] } }, values: { v: -1 }, checks: { check: { value: '${var.v}' } } };
  const results = applyEvaluations({
    passes: { locals: { x: 2 }, checks: { check: { value: '${local.x * 21}' } } },
    refusedByVariable: validated,
    refusedByPrecondition: refused('refusedByPrecondition'),
    refused: refused('refused'),
  });

  test('gives the values of the evaluations that pass', () => {
    expect(results.passes).toEqual({ ok: true, values: { check: 42 }, error: '' });
  });

  test('gives each refused evaluation its own errors, whichever kind Terraform reports first', () => {
    expect([results.refusedByVariable.ok, results.refusedByPrecondition.ok, results.refused.ok]).toEqual([false, false, false]);
    expect(results.refusedByVariable.error).toContain('v must be positive.');
    expect(results.refusedByPrecondition.error).toContain('refusedByPrecondition refused.');
    expect(results.refusedByPrecondition.error).not.toContain('Error: Resource precondition failed on refused/');
    expect(results.refused.error).toContain('refused refused.');
    expect(results.refused.error).not.toContain('refusedByPrecondition');
  });

  test('blames a module instance only where Terraform names it, not where its name is a prefix or a word', () => {
    expect(blames('Error: Resource precondition failed on zone/main.tf.json line 3', 'zone')).toBe(true);
    expect(blames('Error: Resource precondition failed on zone-b/main.tf.json line 3', 'zone')).toBe(false);
    expect(blames('Error: Invalid value for variable on main.tf.json line 4, in module.zone: 4: "v": -1', 'zone')).toBe(true);
    expect(blames('Error: Invalid value for variable on main.tf.json line 4, in module.zone_b:', 'zone')).toBe(false);
    expect(blames('the zone is not on zone b', 'zone')).toBe(false);
    expect(blames('with module.zone.terraform_data.check,', 'zone')).toBe(true);
  });
});
