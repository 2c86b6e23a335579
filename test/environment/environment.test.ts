// One jest file for the room: its test files are loaded here, so cdktf, zod and the provider bindings are
// evaluated once for all of them (about half a second of CPU each time a jest file loads them), not once per file.
import './plan.cases';
import './rules.cases';
import './validation.cases';
import './families.cases';
import './hostile.cases';
