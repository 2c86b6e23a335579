export * from './cluster-network';
export * from './secondary-network';
export * from './multinet-cluster';
export * from './multinet-node-pool';
export * from './multus-whereabouts';
export * from './project-apis';
