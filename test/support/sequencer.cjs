// Orders jest's test files longest first, so that two workers end together. jest does this from the durations in its
// cache, which a fresh clone has none of; it then orders by file size, which puts the room files (a few lines that
// import their *.cases.ts) last although they are among the longest. Here the durations jest has cached win, and the
// durations measured on the reference machine (2 cores) stand in for them until it has.
// jest runs three workers on those two cores (package.json maxWorkers): the chart file's network-namespace tests spend
// much of their time waiting out timeouts on purpose, and a third worker uses the core meanwhile (measured: 2 to 3 s
// less for the whole run).
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

/** Seconds each jest file took in a full `npm test` on the reference machine: only their order matters. */
const MEASURED = {
  'test/end-to-end.test.ts': 20,
  'test/modules/terraform-modules.test.ts': 19,
  'test/stacks/stacks.test.ts': 12,
  // Mostly waiting (its emulations wait out timeouts on purpose): first, so its waits overlap everyone's work.
  'test/data-plane/data-plane.test.ts': 30,
  'test/charts/multus-whereabouts.test.ts': 10,
  'test/modules/modules.test.ts': 4,
  'test/environment/environment.test.ts': 2.5,
  'test/docs/docs.test.ts': 1.7,
};

class LongestFirst extends Sequencer {
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const measured = MEASURED[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')];
    return measured == null ? undefined : measured * 1000;
  }
}

module.exports = LongestFirst;
