import type { IConstruct, IValidation } from 'constructs';
// Not re-exported by the package root: the base class of cdktf's `terraform version` checks (cdktf 0.21.0,
// lib/validations/validate-binary-version.js).
import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';

/**
 * The validations of every construct below `scope`, as `app.synth()` would run them, for a synth that refuses before
 * it writes anything: cdktf runs them stack by stack while it writes, so a problem in the third stack left the first
 * two written (the app builds its App with `skipValidation` and runs this before `app.synth()`).
 *
 * Left out: cdktf's checks of the local `terraform` binary (a cloud backend wants >= 1.1, `terraform_data` >= 1.4,
 * `moved` and `import` >= 1.5). Each runs `sh -c "terraform version"` on the machine that synthesizes, so a synth
 * refused with a stack trace where only Node is installed (a CI synth step, a newcomer's `npm run synth` with a
 * cloud backend) and spent a process per stack; and that binary is not the one that plans: Terraform Cloud runs the
 * workspace's pinned version (bootstrap-<env>), and every stack declares `required_version >= 1.5.0`, which
 * Terraform enforces itself at init.
 *
 * Run it once the constructs are complete (after the aspects: main.ts runs it after enforcePolicy). cdktf's own
 * synthesizer adds one validation later, for `moved` blocks, which is a binary-version check and left out anyway.
 *
 * Returns `[<construct path>] <message>` per problem, in construct order.
 */
export function constructProblems(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((construct) =>
    validationsOf(construct)
      .filter((validation) => !(validation instanceof ValidateBinaryVersion))
      .flatMap((validation) => validation.validate().map((message) => `[${construct.node.path}] ${message}`)),
  );
}

/** The validations added to a construct (constructs 10.4.2 keeps them in a private array; it offers no getter). */
function validationsOf(construct: IConstruct): IValidation[] {
  const validations = (construct.node as unknown as { _validations?: unknown })._validations;
  if (!Array.isArray(validations)) throw new Error(`constructs no longer keeps validations in Node._validations (${construct.node.path}): update stacks/construct-validations.ts`);
  return validations as IValidation[];
}
