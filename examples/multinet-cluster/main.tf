# The smallest use of multinet-cluster: a zonal cluster on networks that exist already (their names), one node pool
# of two nodes with one additional NIC, the control plane reachable from one range only.
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
}

module "cluster" {
  source = "../../modules/terraform/multinet-cluster"

  name                = "multinet-example"
  location            = "us-central1-c"
  project             = var.project
  network             = "multinet-example-vpc"
  subnetwork          = "multinet-example-nodes"
  pod_range_name      = "multinet-example-pods"
  service_range_name  = "multinet-example-services"
  authorized_networks = [{ cidr_block = "203.0.113.0/24", display_name = "office" }]
  node_pools          = [{ name = "multinet-pool", node_count = 2 }]
  additional_networks = [{
    network        = "multinet-dataplane-vpc"
    subnetwork     = "multinet-dataplane"
    pod_range_name = "multinet-dataplane-pods"
    node_cidr      = "10.0.1.0/24"
    pod_cidr       = "172.16.1.0/24"
  }]
}

output "cluster_id" {
  description = "Id of the cluster."
  value       = module.cluster.cluster_id
}
