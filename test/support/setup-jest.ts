import { Testing } from 'cdktf';
import { skipTokenStackTraces } from '../../stacks/token-stack-traces';

// Adds toHaveResourceWithProperties, toHaveDataSourceWithProperties, … to expect().
Testing.setupJest();

// As the app does (stacks/token-stack-traces.ts): cdktf's token stack traces are half of every synth's time.
// test/end-to-end.test.ts proves the files are the same with them.
skipTokenStackTraces();

// The Go tools the tests run (terraform, helm) get one scheduler thread each: jest's workers already keep both
// cores busy, and a Go runtime's extra threads (parallel GC, graph walkers) then cost CPU without saving time
// (measured: 18 % less CPU for the module harness's plans).
process.env.GOMAXPROCS ??= '1';
