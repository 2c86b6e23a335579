import { App, Fn } from 'cdktf';
import { DEFAULT_FLOW_LOGS, FLOW_LOG_INTERVALS, FLOW_LOG_METADATA, SecondaryNetwork } from '..';
import { SUBNET_PREFIX, VPC_MTU } from '../facts';
import { isCidr, isGcpName, isWhole, overlap, rule, notProhibited, PROHIBITED_MESSAGE } from './hcl-rules';
import { TerraformModule } from './terraform-module';
import { FIREWALL_SUFFIX, NETWORK_NAME_MAX, GOOGLE } from './common';

/** additional-network: one VPC, its subnet with the pod secondary range, and the internal firewall rule. */
export function additionalNetworkModule(app: App): TerraformModule {
  const m = new TerraformModule(
    app,
    'additional-network',
    "One additional network for GKE multi-networking: a custom-mode VPC, a subnet whose primary range is the nodes' extra NIC and whose secondary range holds the pod addresses, and the firewall rule that lets the network's nodes and pods reach each other. Use `for_each` for several.",
    { google: GOOGLE },
    `name      = "multinet-dataplane"
  region    = "us-central1"
  node_cidr = "10.0.1.0/24"
  pod_cidr  = "172.16.1.0/24"`,
  );
  const name = m.variable({
    name: 'name',
    type: 'string',
    description: `Network name; the VPC is \`<name>-vpc\`, the subnet \`<name>\`, the firewall rule \`<name>${FIREWALL_SUFFIX}\`.`,
    validation: [rule('name', 'var.name', isGcpName('var.name', NETWORK_NAME_MAX), `use lowercase letters, digits and hyphens, starting with a letter, at most ${NETWORK_NAME_MAX} characters (the firewall rule name adds ${FIREWALL_SUFFIX.length}).`)],
  });
  const region = m.variable({
    name: 'region',
    type: 'string',
    description: 'Region of the subnet.',
    validation: [rule('region', 'var.region', 'can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))', 'use a GCP region, e.g. us-central1.')],
  });
  const nodeCidr = m.variable({
    name: 'node_cidr',
    type: 'string',
    description: `Subnet primary range: the nodes' extra NIC (IPv4 CIDR, /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max}).`,
    validation: [rule('node_cidr', 'var.node_cidr', isCidr('var.node_cidr', SUBNET_PREFIX.min, SUBNET_PREFIX.max), `use an IPv4 CIDR block from /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} with no host bits set, e.g. 10.0.1.0/24.`), rule('node_cidr', 'var.node_cidr', notProhibited('var.node_cidr'), PROHIBITED_MESSAGE)],
  });
  const podCidr = m.variable({
    name: 'pod_cidr',
    type: 'string',
    description: `Subnet secondary range for pods on this network, the addresses their extra interface gets (IPv4 CIDR, /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max}).`,
    validation: [rule('pod_cidr', 'var.pod_cidr', isCidr('var.pod_cidr', SUBNET_PREFIX.min, SUBNET_PREFIX.max), `use an IPv4 CIDR block from /${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max} with no host bits set, e.g. 172.16.1.0/24.`), rule('pod_cidr', 'var.pod_cidr', notProhibited('var.pod_cidr'), PROHIBITED_MESSAGE)],
  });
  const podRangeName = m.variable({
    name: 'pod_range_name',
    type: 'string',
    description: 'Name of the pod secondary range; null for `<name>-pods`.',
    default: null,
    validation: [rule('pod_range_name', 'var.pod_range_name', `var.pod_range_name == null ? true : ${isGcpName('var.pod_range_name', 63)}`, 'use a GCP name: lowercase letters, digits and hyphens, at most 63 characters, or null.')],
  });
  const mtu = m.variable({
    name: 'mtu',
    type: 'number',
    description:
      `MTU of the VPC, ${VPC_MTU.min} to ${VPC_MTU.max} (e.g. ${VPC_MTU.max} for jumbo frames): pods' IPVLAN interfaces take their node NIC's MTU, which the VPC sets. null for Compute Engine's default, ${VPC_MTU.default}. Changing it later needs every VM on the network stopped.`,
    default: null,
    validation: [rule('mtu', 'var.mtu', `var.mtu == null ? true : ${isWhole('var.mtu', VPC_MTU.min, VPC_MTU.max)}`, `use a whole number of bytes from ${VPC_MTU.min} to ${VPC_MTU.max} (Compute Engine VPC MTU), or null for ${VPC_MTU.default}.`)],
  });
  const project = m.variable({ name: 'project', type: 'string', description: "Project of every resource; null for the provider's project.", default: null });
  const flowLogs = m.variable({
    name: 'flow_logs',
    type: `object({ enabled = optional(bool, true), aggregation_interval = optional(string, "${DEFAULT_FLOW_LOGS.aggregationInterval}"), flow_sampling = optional(number, ${DEFAULT_FLOW_LOGS.flowSampling}), metadata = optional(string, "${DEFAULT_FLOW_LOGS.metadata}") })`,
    description:
      "VPC flow logs of the subnet, on by default at Compute Engine's defaults: the record of who talked to whom on this network, which an incident review starts from (checkov CKV_GCP_26 asks for them). They cost money: Cloud Logging bills the log volume, which grows with the traffic sampled (`flow_sampling`, half of the flows by default); on a busy data plane lower `flow_sampling` or lengthen `aggregation_interval`, or set `enabled = false` (terraform-google-network's subnets default to off). null means the default.",
    default: {},
    validation: [
      rule(
        'flow_logs',
        'var.flow_logs',
        `contains([${FLOW_LOG_INTERVALS.map((i) => `"${i}"`).join(', ')}], var.flow_logs.aggregation_interval) && var.flow_logs.flow_sampling >= 0 && var.flow_logs.flow_sampling <= 1 && contains([${FLOW_LOG_METADATA.map((i) => `"${i}"`).join(', ')}], var.flow_logs.metadata)`,
        `use aggregation_interval ${FLOW_LOG_INTERVALS.join(', ')}; flow_sampling from 0 to 1; metadata ${FLOW_LOG_METADATA.join(' or ')}; enabled = false to turn them off.`,
      ),
    ],
  });

  const network = new SecondaryNetwork(m, 'network', {
    name: name.stringValue,
    region: region.stringValue,
    nodeCidr: nodeCidr.stringValue,
    podCidr: podCidr.stringValue,
    podRangeName: Fn.coalesce([podRangeName.stringValue, `${name.stringValue}-pods`]),
    project: project.stringValue,
    flowLogs: flowLogs.value,
    mtu: mtu.numberValue,
  });
  // The environment file's range-overlap rule, for the two ranges this module is given.
  m.guard(
    network.subnetwork,
    `!${overlap('var.node_cidr', 'var.pod_cidr')}`,
    'pod_cidr is ${var.pod_cidr}, which overlaps node_cidr ${var.node_cidr}: the subnet\'s primary and secondary ranges must not share an address; choose a pod_cidr outside node_cidr.',
  );

  m.output({ name: 'network_id', description: 'Id of the VPC (`projects/<project>/global/networks/<name>`).', value: network.network.id });
  m.output({ name: 'network_name', description: 'Name of the VPC: an `additional_networks[].network` of multinet-cluster.', value: network.networkName });
  m.output({ name: 'network_self_link', description: 'Self link of the VPC.', value: network.networkSelfLink });
  m.output({ name: 'subnetwork_id', description: 'Id of the subnet (`projects/<project>/regions/<region>/subnetworks/<name>`).', value: network.subnetwork.id });
  m.output({ name: 'subnetwork_name', description: 'Name of the subnet: an `additional_networks[].subnetwork` of multinet-cluster.', value: network.subnetworkName });
  m.output({ name: 'subnetwork_self_link', description: 'Self link of the subnet.', value: network.subnetworkSelfLink });
  m.output({ name: 'node_cidr', description: "The subnet's primary range: an `additional_networks[].node_cidr` of multinet-cluster.", value: network.nodeCidr });
  m.output({ name: 'pod_range_name', description: 'Name of the pod secondary range: an `additional_networks[].pod_range_name` of multinet-cluster.', value: network.podRangeName });
  m.output({ name: 'pod_cidr', description: 'CIDR of the pod secondary range: an `additional_networks[].pod_cidr` of multinet-cluster and the `range` of its network in multus-whereabouts.', value: network.podCidr });
  m.output({ name: 'mtu', description: `MTU of the VPC (${VPC_MTU.default} unless set).`, value: network.network.mtu });
  return m;
}
