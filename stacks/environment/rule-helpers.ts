import { Cidr, parseCidr } from '../../modules/facts';
import type { EnvironmentPlan } from './plan';
import type { EnvironmentConfig } from './schema';
import { shown } from './problems';

// What several rules share: the demand of a pool replacement, the ranges and the names an environment derives.

/**
 * Nodes every range must hold at its busiest, which is a replacement: GKE cannot change a pool's NICs or pod networks,
 * so changing the networks replaces every pool create-before-destroy (MultinetNodePool), and until the old pools are
 * gone their nodes (up to each pool's maximum) and the new pools' nodes (at their initial count) take addresses from the
 * same ranges. Each pool starts with at least one node per zone, so this room also covers an upgrade's surge node
 * (max_surge = 1 per zone).
 */
export function replacementDemand(plan: EnvironmentPlan): { nodes: number; text: string } {
  const zones = plan.cluster.zoneCount;
  const demand = plan.nodePools.map((p) => {
    const old = p.autoscaling?.maxNodeCount ?? p.nodeCount;
    // A nodeCount outside the autoscaling bounds is reported by autoscaling-bounds; counting it here would repeat that.
    const fresh = Math.min(p.nodeCount, old);
    return { pool: p.name, old, fresh, nodes: (old + fresh) * zones };
  });
  return {
    nodes: demand.reduce((sum, d) => sum + d.nodes, 0),
    text: `old and new nodes share it while a pool is replaced create-before-destroy (${demand
      .map((d) => `${d.pool}: (${d.old} old + ${d.fresh} new) × ${zones} zone${zones > 1 ? 's' : ''}`)
      .join(', ')})`,
  };
}

/** Every range of the environment with its field path, in file order. */
export function rangesOf(config: EnvironmentConfig): { path: string; cidr: Cidr }[] {
  const c = config.cluster;
  return [
    { path: 'cluster.nodeCidr', cidr: parseCidr(c.nodeCidr) },
    { path: 'cluster.podCidr', cidr: parseCidr(c.podCidr) },
    { path: 'cluster.serviceCidr', cidr: parseCidr(c.serviceCidr) },
    ...config.additionalNetworks.flatMap((n, i) => [
      { path: `additionalNetworks[${i}].nodeCidr`, cidr: parseCidr(n.nodeCidr) },
      { path: `additionalNetworks[${i}].podCidr`, cidr: parseCidr(n.podCidr) },
    ]),
  ];
}

export function reportDuplicates(values: readonly string[], list: string, field: string, what: string, report: (path: string, message: string) => void): void {
  const first = new Map<string, number>();
  values.forEach((value, index) => {
    const earlier = first.get(value);
    if (earlier !== undefined) report(`${list}[${index}].${field}`, `${what} ${shown(value)} is already defined at ${list}[${earlier}]`);
    else first.set(value, index);
  });
}

/** A GCP name this environment creates, with where it comes from and how far it must be unique. */
export interface DerivedName {
  readonly path: string;
  readonly kind: string;
  readonly value: string;
  /** The namespace the name must be unique in: a project (and location for clusters, region for subnets), or GCS. */
  readonly namespace: string;
}

/** The names of what the environment creates (existing networks keep their owners' names). */
export function derivedNames(plan: EnvironmentPlan): DerivedName[] {
  const p = plan.project;
  const names: DerivedName[] = [
    { path: 'cluster.name', kind: 'cluster', value: plan.cluster.name, namespace: `${p}/${plan.cluster.location}` },
    { path: 'cluster.name', kind: 'node service account', value: plan.cluster.nodeServiceAccountId, namespace: p },
  ];
  if (!plan.primaryNetwork.existing) {
    names.push(
      { path: 'cluster.name', kind: 'VPC', value: plan.primaryNetwork.vpcName, namespace: p },
      { path: 'cluster.name', kind: 'subnet', value: plan.primaryNetwork.subnetName, namespace: `${p}/${plan.region}` },
    );
    if (plan.primaryNetwork.cloudNat) names.push({ path: 'cluster.name', kind: 'router', value: `${plan.cluster.name}-router`, namespace: `${p}/${plan.region}` });
  }
  plan.additionalNetworks.forEach((n, i) => {
    if (n.existing || plan.additionalNetworks.findIndex((m) => m.key === n.key) < i) return;
    const path = `additionalNetworks[${i}].name`;
    names.push(
      { path, kind: 'VPC', value: n.vpcName, namespace: p },
      { path, kind: 'subnet', value: n.subnetName, namespace: `${p}/${plan.region}` },
      { path, kind: 'firewall', value: n.firewallName, namespace: p },
    );
  });
  // A shared bucket or Terraform Cloud project is created once for the folder (shared-backends rule), not per environment.
  const b = plan.backend;
  if (b.type === 'cloud') {
    names.push(
      { path: 'backend', kind: 'Workload Identity pool', value: b.workloadIdentityPoolId, namespace: p },
      { path: 'backend', kind: 'run service account', value: b.runServiceAccountId, namespace: p },
      { path: 'backend', kind: 'plan service account', value: b.planServiceAccountId, namespace: p },
      { path: 'backend', kind: 'workloads service account', value: b.workloadsServiceAccountId, namespace: p },
    );
  }
  return names;
}

