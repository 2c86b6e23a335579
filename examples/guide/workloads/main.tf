# Google's guide "Configurer Multus avec IPVLAN et Whereabouts" in plain Terraform, root 2 of 2: Multus + Whereabouts
# and the NetworkAttachmentDefinition (steps 5 and 6), the sample pod (step 7), on the cluster ../cluster created.
# The cluster and the subnets are read through data sources at every plan, so the kubernetes and helm providers always
# get the live endpoint, never a value a cluster replacement left unknown (the providers then fall back to localhost).
#
#   terraform init && terraform apply -var project=<your-project>
#   helm test multus-whereabouts -n kube-system    # step 8, from inside pods (gcloud container clusters get-credentials first)

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    google     = { source = "hashicorp/google", version = ">= 6.50, < 8" }
    kubernetes = { source = "hashicorp/kubernetes", version = ">= 2.38, < 4" }
    helm       = { source = "hashicorp/helm", version = ">= 3.1, < 4" }
  }
}

variable "project" {
  type        = string
  description = "GCP project of the cluster."
}

variable "region" {
  type        = string
  description = "Region of the subnets."
  default     = "us-central1"
}

variable "cluster_name" {
  type        = string
  description = "The cluster ../cluster created (its output cluster_name)."
  default     = "multinet-guide"
}

variable "location" {
  type        = string
  description = "Zone or region of the cluster (../cluster output cluster_location)."
  default     = "us-central1-c"
}

variable "network_subnets" {
  type        = list(string)
  description = "The subnet of each additional network, in NIC order (../cluster output network_subnets)."
  default     = ["multinet-guide-dataplane"]
}

provider "google" {
  project = var.project
  region  = var.region
}

data "google_container_cluster" "cluster" {
  name     = var.cluster_name
  location = var.location
}

data "google_compute_subnetwork" "additional" {
  count  = length(var.network_subnets)
  name   = var.network_subnets[count.index]
  region = var.region
}

# No credential in the state: the providers run gke-gcloud-auth-plugin at every plan and apply, which hands them a
# token of your application default credentials (`gcloud auth application-default login`). A data source such as
# google_client_config would write its token to the state. Remote runs (Terraform Cloud) use an ephemeral
# google_service_account_access_token instead (Terraform >= 1.10), as the product's workloads stack does.
provider "kubernetes" {
  host                   = "https://${data.google_container_cluster.cluster.endpoint}"
  cluster_ca_certificate = base64decode(data.google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "gke-gcloud-auth-plugin"
    args        = ["--use_application_default_credentials=true"]
  }
}

provider "helm" {
  kubernetes = {
    host                   = "https://${data.google_container_cluster.cluster.endpoint}"
    cluster_ca_certificate = base64decode(data.google_container_cluster.cluster.master_auth[0].cluster_ca_certificate)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      command     = "gke-gcloud-auth-plugin"
      args        = ["--use_application_default_credentials=true"]
    }
  }
}

module "multus" {
  source = "../../../modules/terraform/multus-whereabouts"

  # The k-th network is on eth<k> (the default master), with the pod range of its subnet.
  networks = [for i, s in data.google_compute_subnetwork.additional : {
    name  = trimprefix(s.name, "${var.cluster_name}-")
    range = s.secondary_ip_range[0].ip_cidr_range
  }]
  node_additional_nics    = length(var.network_subnets)
  sample_pods             = true
  require_cross_node_test = true
}

output "pod_annotations" {
  description = "Annotation that attaches a pod of each namespace to every additional network it may use."
  value       = module.multus.pod_annotations
}

output "verify" {
  description = "Step 8: check every attachment, and traffic between two nodes, from inside pods."
  value       = "helm test ${module.multus.release_name} -n ${module.multus.release_namespace}"
}
