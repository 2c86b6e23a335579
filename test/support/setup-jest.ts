import { Testing } from 'cdktf';
import { skipTokenStackTraces } from '../../stacks/token-stack-traces';

// Adds toHaveResourceWithProperties, toHaveDataSourceWithProperties, … to expect().
Testing.setupJest();

// As the app does (stacks/token-stack-traces.ts): cdktf's token stack traces are half of every synth's time.
// test/end-to-end.test.ts proves the files are the same with them.
skipTokenStackTraces();
