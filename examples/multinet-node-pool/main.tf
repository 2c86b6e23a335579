# Multi-network node pools on a cluster made with terraform-google-modules: the cluster comes from their
# gke-standard-cluster module (pinned), the extra network from this repository's additional-network module, and the
# pools, with one NIC per additional network, from multinet-node-pool. Multus and Whereabouts then go on from a second
# root (examples/guide/workloads shows one), as the multus-whereabouts module's README says.
#
#   terraform init && terraform apply -var project=<your-project>

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    google = { source = "hashicorp/google", version = ">= 6.50, < 8" }
  }
}

variable "project" {
  type        = string
  description = "GCP project of the cluster and its networks."
}

provider "google" {
  project = var.project
  region  = "us-central1"
}

# The cluster's own VPC and subnet, with its pod and Services ranges.
resource "google_compute_network" "primary" {
  name                    = "platform-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "primary" {
  name                     = "platform-nodes"
  region                   = "us-central1"
  network                  = google_compute_network.primary.id
  ip_cidr_range            = "10.0.0.0/24"
  private_ip_google_access = true
  secondary_ip_range {
    range_name    = "platform-pods"
    ip_cidr_range = "10.4.0.0/14"
  }
  secondary_ip_range {
    range_name    = "platform-services"
    ip_cidr_range = "10.8.0.0/20"
  }
}

# The node pools' service account, least privilege: what GKE nodes need to log, report metrics and pull images.
resource "google_service_account" "nodes" {
  account_id   = "platform-nodes"
  display_name = "GKE nodes of platform"
}

resource "google_project_iam_member" "nodes" {
  for_each = toset(["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/stackdriver.resourceMetadata.writer", "roles/autoscaling.metricsWriter", "roles/artifactregistry.reader"])
  project  = var.project
  role     = each.value
  member   = "serviceAccount:${google_service_account.nodes.email}"
}

module "gke" {
  source  = "terraform-google-modules/kubernetes-engine/google//modules/gke-standard-cluster"
  version = "44.2.0"

  project_id = var.project
  name       = "platform"
  location   = "us-central1-c"
  network    = google_compute_network.primary.id
  subnetwork = google_compute_subnetwork.primary.id
  ip_allocation_policy = {
    cluster_secondary_range_name  = "platform-pods"
    services_secondary_range_name = "platform-services"
  }
  # What multinet-node-pool checks: multi-networking (only at creation) and Dataplane V2.
  enable_multi_networking  = true
  datapath_provider        = "ADVANCED_DATAPATH"
  workload_identity_config = { workload_pool = "${var.project}.svc.id.goog" }
  master_authorized_networks_config = {
    cidr_blocks = [{ display_name = "office", cidr_block = "203.0.113.0/24" }]
  }
}

module "dataplane" {
  source = "../../modules/terraform/additional-network"

  name      = "platform-dataplane"
  region    = "us-central1"
  node_cidr = "10.0.1.0/24"
  pod_cidr  = "172.16.1.0/24"
}

module "multinet_pools" {
  source = "../../modules/terraform/multinet-node-pool"

  cluster         = module.gke.cluster_id
  location        = module.gke.location
  project         = var.project
  service_account = google_service_account.nodes.email
  node_pools      = [{ name = "multinet", machine_type = "e2-standard-4", node_count = 2, enable_gvnic = true }]
  additional_networks = [{
    network        = module.dataplane.network_name
    subnetwork     = module.dataplane.subnetwork_name
    pod_range_name = module.dataplane.pod_range_name
    node_cidr      = module.dataplane.node_cidr
    pod_cidr       = module.dataplane.pod_cidr
  }]
  depends_on = [google_project_iam_member.nodes]
}

output "network_interfaces" {
  description = "Each additional network's NIC on the nodes, its ranges and per-node block prefix (for multus-whereabouts)."
  value       = module.multinet_pools.network_interfaces
}
