# Google's guide "Configurer Multus avec IPVLAN et Whereabouts" in plain Terraform, root 1 of 2: the networks and the
# cluster. One additional network (the guide's 10.0.1.0/24 for node NICs, 172.16.1.0/24 for pod interfaces) and a GKE
# Standard cluster whose node pool carries eth1 on it. Root 2, ../workloads, installs Multus + Whereabouts: it reads
# this cluster through data sources, so replacing the cluster here never leaves a provider there pointed at nothing.
#
#   terraform init && terraform apply -var project=<your-project> -var 'authorized_networks=[{cidr_block="<your-ip>/32",display_name="me"}]'
#
# Outside this repository, take the modules from a commit of it (docs/hcl.md: pin a commit until release tags exist):
#   source = "git::https://github.com/<org>/gke-multinet.git//modules/terraform/<module>?ref=<commit>"

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    google = { source = "hashicorp/google", version = ">= 6.50, < 8" }
  }
}

variable "project" {
  type        = string
  description = "GCP project to deploy into."
}

variable "region" {
  type        = string
  description = "Region of the subnets and the cluster's zone."
  default     = "us-central1"
}

variable "authorized_networks" {
  type        = list(object({ cidr_block = string, display_name = string }))
  description = "IPv4 ranges that may reach the control plane: where you run Terraform, kubectl and helm."
}

locals {
  cluster = "multinet-guide"
  # In NIC order: the k-th network arrives on every node as eth<k>.
  networks = [
    { name = "dataplane", node_cidr = "10.0.1.0/24", pod_cidr = "172.16.1.0/24" },
  ]
}

provider "google" {
  project = var.project
  region  = var.region
}

# The cluster's own network (eth0): nodes, pods and Services.
resource "google_compute_network" "primary" {
  name                    = "${local.cluster}-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "primary" {
  name                     = "${local.cluster}-nodes"
  region                   = var.region
  network                  = google_compute_network.primary.id
  ip_cidr_range            = "10.10.0.0/20"
  private_ip_google_access = true
  secondary_ip_range {
    range_name    = "${local.cluster}-pods"
    ip_cidr_range = "10.20.0.0/16"
  }
  secondary_ip_range {
    range_name    = "${local.cluster}-services"
    ip_cidr_range = "10.30.0.0/20"
  }
}

# Steps 1 and 2 of the guide: a VPC and a subnet with the pod secondary range per additional network.
module "network" {
  source   = "../../../modules/terraform/additional-network"
  for_each = { for n in local.networks : n.name => n }

  name           = "${local.cluster}-${each.key}"
  region         = var.region
  node_cidr      = each.value.node_cidr
  pod_cidr       = each.value.pod_cidr
  pod_range_name = "${each.key}-pods"
}

# Steps 3 and 4: the cluster (Dataplane V2, IP alias, multi-networking) and a node pool with one NIC per network.
module "cluster" {
  source = "../../../modules/terraform/multinet-cluster"

  name                = local.cluster
  location            = "${var.region}-c"
  project             = var.project
  network             = google_compute_network.primary.self_link
  subnetwork          = google_compute_subnetwork.primary.self_link
  pod_range_name      = google_compute_subnetwork.primary.secondary_ip_range[0].range_name
  service_range_name  = google_compute_subnetwork.primary.secondary_ip_range[1].range_name
  authorized_networks = var.authorized_networks
  deletion_protection = false
  node_pools          = [{ name = "multinet-pool", machine_type = "e2-standard-4", node_count = 2 }]
  additional_networks = [for n in local.networks : {
    network           = module.network[n.name].network_name
    subnetwork        = module.network[n.name].subnetwork_name
    pod_range_name    = module.network[n.name].pod_range_name
    max_pods_per_node = 8
    node_cidr         = module.network[n.name].node_cidr
    pod_cidr          = module.network[n.name].pod_cidr
  }]
}

output "cluster_name" {
  description = "For ../workloads: cluster_name."
  value       = module.cluster.cluster_name
}

output "cluster_location" {
  description = "For ../workloads: location."
  value       = module.cluster.cluster_location
}

output "network_subnets" {
  description = "For ../workloads: network_subnets, the subnet of each additional network in NIC order."
  value       = [for n in local.networks : module.network[n.name].subnetwork_name]
}
