// VPC flow log settings: plain data, no cdktf, so the environment schema can use them without loading the providers.

/**
 * VPC flow logs of a subnet: a sample of its flows, in Cloud Logging. Values and defaults are Compute Engine's
 * (google provider 6.50.0, compute_subnetwork.log_config; VPC docs, "Flow log sampling and processing").
 */
export interface SubnetFlowLogs {
  /**
   * How long flows of a connection are aggregated into one record.
   * @default 'INTERVAL_5_SEC'
   */
  readonly aggregationInterval?: string;
  /**
   * Share of the flows recorded, from 0 to 1.
   * @default 0.5
   */
  readonly flowSampling?: number;
  /**
   * `INCLUDE_ALL_METADATA` (VMs, GKE pods and Services on either end) or `EXCLUDE_ALL_METADATA`.
   * @default 'INCLUDE_ALL_METADATA'
   */
  readonly metadata?: string;
}

export const FLOW_LOG_INTERVALS = ['INTERVAL_5_SEC', 'INTERVAL_30_SEC', 'INTERVAL_1_MIN', 'INTERVAL_5_MIN', 'INTERVAL_10_MIN', 'INTERVAL_15_MIN'] as const;
export const FLOW_LOG_METADATA = ['INCLUDE_ALL_METADATA', 'EXCLUDE_ALL_METADATA'] as const;

/** Flow logs at Compute Engine's own defaults when it enables them. */
export const DEFAULT_FLOW_LOGS = { aggregationInterval: 'INTERVAL_5_SEC', flowSampling: 0.5, metadata: 'INCLUDE_ALL_METADATA' } as const satisfies Required<SubnetFlowLogs>;
