import { Construct } from 'constructs';
import { ITerraformDependable } from 'cdktf';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { checkInteger } from './validate';

export interface StateBucketProps {
  /** Bucket name (3-63 lowercase letters, digits, hyphens and underscores). */
  readonly name: string;
  /** Location of the bucket: the environment's region. */
  readonly location: string;
  /**
   * Project of the bucket.
   * @default the provider's project
   */
  readonly project?: string;
  /**
   * How many earlier versions of each object (state file) the bucket keeps; older ones are deleted.
   * @default 100
   */
  readonly keepNoncurrentVersions?: number;
  /**
   * Record who reads and writes objects in the bucket's project: Cloud Storage Data Access audit logs (`DATA_READ`,
   * `DATA_WRITE`), which GCP leaves off by default ("Data Access audit logs"). Every reader of every environment's state
   * then shows in Cloud Logging. The setting is the project's, for all of its buckets, and logs cost by volume: turn it
   * off only where the project records them already (an organization policy) or state reads need not be traced.
   * @default true
   */
  readonly auditDataAccess?: boolean;
  /**
   * Resources the bucket waits for, e.g. the enabled Cloud Storage API.
   * @default none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The GCS bucket that holds an environment's Terraform state (terraform-google-modules/bootstrap's state bucket,
 * without a KMS key): versioned, uniform access, never public, never emptied by Terraform.
 */
export class StateBucket extends Construct {
  readonly bucket: StorageBucket;
  /** The project's Cloud Storage Data Access audit configuration, unless `auditDataAccess` is false. */
  readonly auditConfig?: ProjectIamAuditConfig;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    if (!/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(props.name) || props.name.startsWith('goog') || props.name.includes('google')) {
      throw new Error(`StateBucket "${id}": name "${props.name}" is not a GCS bucket name (3-63 lowercase letters, digits, - and _; no "goog" prefix, no "google")`);
    }
    const keep = props.keepNoncurrentVersions ?? 100;
    checkInteger(`StateBucket "${id}"`, 'keepNoncurrentVersions', keep, 1, 10000);
    this.bucket = new StorageBucket(this, 'bucket', {
      project: props.project,
      name: props.name,
      location: props.location,
      // Every state write keeps the previous version: a bad apply or a deleted object can be rolled back.
      versioning: { enabled: true },
      // ...within the newest `keep` earlier versions; older ones would be kept, and paid for, forever. GCS counts the
      // live version among the "newer versions" (Object Lifecycle Management, numNewerVersions), hence keep + 1.
      lifecycleRule: [{ action: { type: 'Delete' }, condition: { withState: 'ARCHIVED', numNewerVersions: keep + 1 } }],
      // IAM alone decides access; no per-object ACL can open a state file, which holds secrets in clear text.
      uniformBucketLevelAccess: true,
      // No allUsers / allAuthenticatedUsers grant can ever make the state public.
      publicAccessPrevention: 'enforced',
      // Terraform must never delete the bucket with the states in it.
      forceDestroy: false,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      // Losing this bucket loses every stack's state: a destroy must be a deliberate, manual act.
      lifecycle: { preventDestroy: true },
    });
    if (props.auditDataAccess ?? true) {
      // State holds secrets in clear text, and access comes from project roles: reads must leave a trace.
      this.auditConfig = new ProjectIamAuditConfig(this, 'data-access-audit', {
        project: props.project ?? this.bucket.project,
        service: 'storage.googleapis.com',
        auditLogConfig: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
      });
    }
  }
}
