// One jest file for the room: its test files are loaded here, so cdktf, zod and the provider bindings are
// evaluated once for all of them (about half a second of CPU each time a jest file loads them), not once per file.
import './backends.cases';
import './bootstrap-stack.cases';
import './chart-archive.cases';
import './cluster-stack.cases';
import './migrate-state.cases';
import './network-stack.cases';
import './policy.cases';
import './synthesis.cases';
import './workloads-stack.cases';
import './hostile-output.cases';
import './release.cases';
