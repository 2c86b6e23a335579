import { Construct } from 'constructs';
import { DataGoogleComputeZones } from '@cdktf/provider-google/lib/data-google-compute-zones';
import { hclValue } from './hcl-expression';

export interface RegionZonesProps {
  /** Project whose view of the region is read. */
  readonly project: string;
  /** The region the zones must lie in. */
  readonly region: string;
  /** The zones to check, each with the field that names it (for the message), e.g. `cluster.nodeLocations[0]`. */
  readonly zones: readonly { readonly field: string; readonly zone: string }[];
  /**
   * The field that names the region (for the message).
   * @default 'region'
   */
  readonly regionField?: string;
}

/**
 * Checks at plan time that a region exists and that the zones a configuration names are zones of it, through
 * `google_compute_zones` (the zones Compute Engine lists for the region, as the project sees them). A zone list written
 * into code goes stale as Google opens zones; this one never does. A region with no zone (a typo) fails once, on the
 * region; the zones are then not judged.
 */
export class RegionZones extends Construct {
  readonly zones: DataGoogleComputeZones;

  constructor(scope: Construct, id: string, props: RegionZonesProps) {
    super(scope, id);
    const regionField = props.regionField ?? 'region';
    this.zones = new DataGoogleComputeZones(this, 'zones', {
      project: props.project,
      region: props.region,
      lifecycle: {
        postcondition: [
          {
            condition: hclValue(() => 'length(self.names) > 0'),
            errorMessage: `${regionField} "${props.region}" has no zones in project ${props.project}: it is not a Compute Engine region (e.g. us-central1, europe-west1); fix ${regionField} in the environment file.`,
          },
          ...props.zones.map((z) => ({
            // `||` is safe here: both sides are plain booleans (Terraform before 1.12 evaluates both).
            condition: hclValue(() => `length(self.names) == 0 || contains(self.names, ${JSON.stringify(z.zone)})`),
            errorMessage: `${z.field} "${z.zone}" is not a zone of ${props.region}, whose zones are \${join(", ", sort(self.names))}; use one of them in the environment file.`,
          })),
        ],
      },
    });
  }
}
