# Google's guide "Configurer Multus avec IPVLAN et Whereabouts", with the modules of this repository in plain
# Terraform: one additional network (the guide's 10.0.1.0/24 for node NICs, 172.16.1.0/24 for pod interfaces), a
# GKE Standard cluster with a node pool carrying eth1 on it, Multus + Whereabouts and the NetworkAttachmentDefinition.
#
#   terraform init && terraform apply -var project=<your-project>
#   gcloud container clusters get-credentials multinet-guide --location us-central1-c --project <your-project>
#   helm test multus-whereabouts -n kube-system
#
# Outside this repository, use `source = "git::https://github.com/<org>/gke-multinet.git//modules/terraform/<module>?ref=v0.3.0"`.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    google     = { source = "hashicorp/google", version = ">= 6.50, < 8" }
    kubernetes = { source = "hashicorp/kubernetes", version = ">= 2.38, < 3" }
    helm       = { source = "hashicorp/helm", version = ">= 3.1, < 4" }
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

# The providers that talk to the cluster use its outputs and the caller's short-lived token.
data "google_client_config" "current" {}

provider "kubernetes" {
  host                   = "https://${module.cluster.cluster_endpoint}"
  token                  = data.google_client_config.current.access_token
  cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)
}

provider "helm" {
  kubernetes = {
    host                   = "https://${module.cluster.cluster_endpoint}"
    token                  = data.google_client_config.current.access_token
    cluster_ca_certificate = base64decode(module.cluster.cluster_ca_certificate)
  }
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
  source   = "../../modules/terraform/additional-network"
  for_each = { for n in local.networks : n.name => n }

  name           = "${local.cluster}-${each.key}"
  region         = var.region
  node_cidr      = each.value.node_cidr
  pod_cidr       = each.value.pod_cidr
  pod_range_name = "${each.key}-pods"
}

# Steps 3 and 4: the cluster (Dataplane V2, IP alias, multi-networking) and a node pool with one NIC per network.
module "cluster" {
  source = "../../modules/terraform/multinet-cluster"

  name                = local.cluster
  location            = "${var.region}-c"
  project             = var.project
  network             = google_compute_network.primary.self_link
  subnetwork          = google_compute_subnetwork.primary.self_link
  pod_range_name      = google_compute_subnetwork.primary.secondary_ip_range[0].range_name
  service_range_name  = google_compute_subnetwork.primary.secondary_ip_range[1].range_name
  deletion_protection = false
  node_pools          = [{ name = "multinet-pool", machine_type = "e2-standard-4", node_count = 2 }]
  additional_networks = [for n in local.networks : {
    network           = module.network[n.name].network_name
    subnetwork        = module.network[n.name].subnetwork_name
    pod_range_name    = module.network[n.name].pod_range_name
    max_pods_per_node = 8
  }]
}

# Steps 5 and 6: Multus + Whereabouts and the NetworkAttachmentDefinition; step 7: the sample pod.
module "multus" {
  source = "../../modules/terraform/multus-whereabouts"

  networks = [for i, n in local.networks : {
    name   = n.name
    master = "eth${i + 1}"
    range  = module.network[n.name].pod_cidr
  }]
  sample_pods = true
  depends_on  = [module.cluster]
}

output "pod_annotations" {
  description = "Annotation that attaches a pod to every additional network."
  value       = module.multus.pod_annotations
}

output "verify" {
  description = "Step 8: check every attachment, and traffic between two nodes, from inside pods."
  value       = "helm test ${module.multus.release_name} -n ${module.multus.release_namespace}"
}
