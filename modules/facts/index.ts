// Every GKE, Compute Engine, Kubernetes and Multus fact a rule or default depends on, each stated once with its source.
// No cdktf and no construct: the config layer, the constructs and the HCL generator all import from here.
export * from './cidr';
export * from './compute';
export * from './flow-logs';
export * from './gke';
export * from './maintenance';
export * from './multus';
export * from './names';
export * from './words';
