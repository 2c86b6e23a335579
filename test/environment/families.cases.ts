import { casesFor } from '../families/families';
import { problemsOf } from '../support/environments';

describe('rule families, in the environment loader', () => {
  test.each(casesFor('loader'))('$name', ({ surface, value, accepted }) => {
    const problems = problemsOf((env) => surface.set(env, value));
    if (accepted) expect(problems).toEqual([]);
    else expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${surface.path.replace(/[[\].]/g, '\\$&')}(\\[\\d+\\]|\\.\\w+)?: `)));
  });
});
