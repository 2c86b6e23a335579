import type { TerraformModule } from './terraform-module';

/**
 * What the identities that plan and apply a caller of each module need, each with why: the Permissions section of the
 * module's README. The product's own Terraform Cloud identities (stacks/bootstrap-stack.ts) hold these for its stacks.
 */
export function addPermissions(m: TerraformModule): void {
  switch (m.moduleName) {
    case 'additional-network': {
    // What a caller's identities need (README, Permissions).
    m.permissions.plan.push({ role: '`roles/compute.networkViewer`', why: 'refreshes the VPC, the subnet and the firewall rule' });
    m.permissions.apply.push(
      { role: '`roles/compute.networkAdmin`', why: 'creates the VPC and the subnet with its pod secondary range' },
      { role: '`roles/compute.securityAdmin`', why: 'creates the internal firewall rule (Compute Network Admin cannot manage firewall rules)' },
    );
      return;
    }
    case 'multinet-cluster': {
    // What a caller's identities need (README, Permissions).
    m.permissions.plan.push(
      { role: '`roles/container.clusterViewer`', why: 'refreshes the cluster and its node pools, reads the versions GKE offers (google_container_engine_versions)' },
      { role: '`roles/iam.serviceAccountViewer`, `roles/iam.securityReviewer`', why: 'refresh the node service account and its project role bindings, when the module creates them (no `node_service_account`)' },
    );
    m.permissions.apply.push(
      { role: '`roles/container.clusterAdmin`', why: 'creates the cluster and its node pools (manages clusters, not the Kubernetes objects in them)' },
      { role: '`roles/iam.serviceAccountUser` on the node service account only', why: 'node pools run as that account' },
      { role: '`roles/iam.serviceAccountAdmin`, `roles/resourcemanager.projectIamAdmin`', why: 'create the node service account and grant it its roles, only when `node_service_account` is null; give an existing account and the apply needs neither' },
    );
      return;
    }
    case 'multus-whereabouts': {
    // What a caller's identities need (README, Permissions): Kubernetes access, through the kubernetes and helm providers
    // the caller configures (with gke-gcloud-auth-plugin or an ephemeral token, never a data source's token in state).
    m.permissions.plan.push({
      role: '`roles/container.viewer` and read access to Secrets of `namespace` (e.g. `roles/container.developer`)',
      why: "reads the nodes' Ready condition and the namespaces (data sources), and the release, which Helm keeps as Secrets in its namespace; to confirm on a first live plan with a read-only identity",
    });
    m.permissions.apply.push({
      role: '`roles/container.admin`, or Kubernetes `cluster-admin` through RBAC',
      why: 'installs the CRDs, ClusterRoles and their bindings, the kube-system DaemonSet and the attachment namespaces (Kubernetes Engine Developer cannot create RBAC objects)',
    });
      return;
    }
    default:
      throw new Error(`no permissions listed for module ${m.moduleName}`);
  }
}
