// What Testing.setupJest() runs, from its own module: cdktf's package root (a third of a second to load in jest) then
// loads only in the rooms that synthesize.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';
import { skipTokenStackTraces } from '../../stacks/token-stack-traces';

// Adds toHaveResourceWithProperties, toHaveDataSourceWithProperties, … to expect().
setupJest();

// As the app does (stacks/token-stack-traces.ts): cdktf's token stack traces are half of every synth's time.
// test/end-to-end.test.ts proves the files are the same with them.
skipTokenStackTraces();

// The Go tools the tests run (terraform, helm) get one scheduler thread each: jest's workers already keep both
// cores busy, and a Go runtime's extra threads (parallel GC, graph walkers) then cost CPU without saving time
// (measured: 18 % less CPU for the module harness's plans).
process.env.GOMAXPROCS ??= '1';
// And collect garbage four times less often: these runs last seconds and stay small (the largest terraform plan peaks
// at about 200 MB instead of 110 MB), and the collector was a third of their CPU (measured: 2.2 s instead of 3.2 s for
// the module harness's largest plan).
process.env.GOGC ??= '400';
