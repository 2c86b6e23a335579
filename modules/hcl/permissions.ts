import { DEFAULT_PROJECT_APIS } from '../project-apis';
import type { TerraformModule } from './terraform-module';

/** The APIs the modules need, as the network stack enables them (modules/project-apis.ts). */
const [COMPUTE, CONTAINER, IAM, RESOURCE_MANAGER] = DEFAULT_PROJECT_APIS;

/**
 * What a caller must know before the first plan and on day 2, per module: the Permissions section of its README (what
 * the identities that plan and apply need, each with why; the product's own Terraform Cloud identities,
 * stacks/bootstrap-stack.ts, hold these for its stacks) and its Day 2 section (changes that do more than an update).
 */
export function addPermissions(m: TerraformModule): void {
  switch (m.moduleName) {
    case 'additional-network': {
      m.apis.push({ api: COMPUTE, why: 'the VPC, the subnet and the firewall rule' });
      m.dayTwo.push(
        'A change of `node_cidr` or `pod_cidr` replaces the subnet, which GCP refuses while nodes use it: add a network under a new name with the new ranges, move workloads, then remove the old one.',
      );
    // What a caller's identities need (README, Permissions).
    m.permissions.plan.push({ role: '`roles/compute.networkViewer`', why: 'refreshes the VPC, the subnet and the firewall rule' });
    m.permissions.apply.push(
      { role: '`roles/compute.networkAdmin`', why: 'creates the VPC and the subnet with its pod secondary range' },
      { role: '`roles/compute.securityAdmin`', why: 'creates the internal firewall rule (Compute Network Admin cannot manage firewall rules)' },
    );
      return;
    }
    case 'multinet-cluster': {
      m.apis.push(
        { api: CONTAINER, why: 'the cluster and its node pools' },
        { api: COMPUTE, why: 'the subnets read at plan, the nodes' },
        { api: IAM, why: 'the node service account, when the module creates it' },
        { api: RESOURCE_MANAGER, why: 'the project role bindings of that account (project IAM goes through it)' },
      );
      m.dayTwo.push(
        'A change of `additional_networks` (a network added, removed or reordered) replaces every node pool, create-before-destroy: the ranges must hold old and new nodes side by side (the plan checks it, with the ranges given or read from the subnets).',
        'A pool\'s `machine_type`, `disk_type` or `disk_size_gb` recreates every node of the pool by surge upgrade: keep PodDisruptionBudgets on the workloads, and run `helm test` afterwards (a pod that starts on a new node before Multus is ready there gets no net1).',
        'A pool\'s `name` or `spot` replaces the pool; `max_pods_per_node` or `private_nodes` of the cluster, its `name`, `location` or primary network replace the cluster, which cannot go through one apply under create-before-destroy: set `deletion_protection = false`, destroy the workloads and the cluster, change, apply.',
        '`release_channel` moves the cluster in place, within the minors the new channel offers (`gcloud container get-server-config`).',
      );
    // What a caller's identities need (README, Permissions).
    m.permissions.plan.push(
      { role: '`roles/container.clusterViewer`', why: 'refreshes the cluster and its node pools, reads the versions GKE offers (google_container_engine_versions)' },
      { role: '`roles/compute.networkViewer`', why: "reads the cluster's subnet and the additional subnets whose ranges are not given (google_compute_subnetwork data sources), for the overlap and capacity checks" },
      { role: '`roles/iam.serviceAccountViewer`, `roles/iam.securityReviewer`', why: 'refresh the node service account and its project role bindings, when the module creates them (no `node_service_account`)' },
    );
    m.permissions.apply.push(
      { role: '`roles/container.clusterAdmin`', why: 'creates the cluster and its node pools (manages clusters, not the Kubernetes objects in them)' },
      { role: '`roles/iam.serviceAccountUser` on the node service account only', why: 'node pools run as that account' },
      { role: '`roles/iam.serviceAccountAdmin`, `roles/resourcemanager.projectIamAdmin`', why: 'create the node service account and grant it its roles, only when `node_service_account` is null; give an existing account and the apply needs neither' },
    );
      return;
    }
    case 'multinet-node-pool': {
      m.apis.push(
        { api: CONTAINER, why: 'the cluster read at plan, the node pools' },
        { api: COMPUTE, why: 'the subnets read at plan, the nodes' },
      );
      m.beforeFirstPlan.push(
        'The cluster must have been created with multi-networking and Dataplane V2 (terraform-google-modules: `enable_multi_networking = true`, `datapath_provider = "ADVANCED_DATAPATH"`): neither can be turned on later, and the plan says so.',
      );
      m.dayTwo.push(
        'A change of `additional_networks` (a network added, removed or reordered) replaces every pool of the module, create-before-destroy: the ranges must hold old and new nodes side by side (the plan checks it).',
        'A pool\'s `machine_type`, `disk_type`, `disk_size_gb`, `image_type`, `kubelet_config` or `linux_node_config` recreates its nodes by surge upgrade: keep PodDisruptionBudgets on the workloads, and run `helm test` afterwards.',
        'A pool\'s `name`, `spot` or `max_pods_per_node` replaces the pool (create-before-destroy).',
        'The cluster is read at plan (a data source): in a root that also creates it, pass terraform-google-modules\' `cluster_id` output, whose value waits for the cluster, so the checks run once it exists.',
      );
      m.permissions.plan.push(
        { role: '`roles/container.clusterViewer`', why: 'reads the cluster (multi-networking, Dataplane V2, its pod range) and refreshes the node pools' },
        { role: '`roles/compute.networkViewer`', why: "reads the cluster's subnet and the additional subnets whose ranges are not given (google_compute_subnetwork data sources)" },
      );
      m.permissions.apply.push(
        { role: '`roles/container.clusterAdmin`', why: 'creates the node pools' },
        { role: '`roles/iam.serviceAccountUser` on `service_account` only', why: 'node pools run as that account' },
      );
      return;
    }
    case 'multus-whereabouts': {
      m.apis.push({ api: CONTAINER, why: "the cluster's control plane, which the kubernetes and helm providers talk to" });
      m.beforeFirstPlan.push(
        'The root that creates the cluster cannot also plan this module: its kubernetes and helm providers need the cluster\'s endpoint at plan time. Call it from a second root that reads the cluster (a data source), as `examples/guide/workloads` does.',
        'The helm provider 3.x takes `kubernetes = { … }` as an attribute (an object), not a block; configure both providers with `gke-gcloud-auth-plugin` (exec) or an ephemeral token, never a data source\'s token, which would land in the state.',
      );
      m.dayTwo.push(
        'A node that is not Ready is a warning at plan (a check block); an apply that changes the release while a node is down waits into `timeout_seconds` and leaves the release as far as it got (not atomic): wait for the node or drain it first.',
      );
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
