// One jest file for the room: its test files are loaded here, so cdktf, zod and the provider bindings are
// evaluated once for all of them (about half a second of CPU each time a jest file loads them), not once per file.
import './bootstrap.cases';
import './cluster-version.cases';
import './cluster.cases';
import './evaluations.cases';
import './existing-network.cases';
import './maintenance.cases';
import './multus-whereabouts.cases';
import './networks.cases';
import './region-zones.cases';
import './families.cases';
