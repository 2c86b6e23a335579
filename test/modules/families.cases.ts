import { Testing } from 'cdktf';
import { casesFor } from '../families/families';

describe('rule families, in the constructs', () => {
  test.each(casesFor('construct'))('$name', ({ surface, value, accepted }) => {
    const build = () => Testing.synthScope((scope) => surface.build(scope, value));
    if (accepted) expect(build).not.toThrow();
    else expect(build).toThrow(surface.prop);
  });
});
