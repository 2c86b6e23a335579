# The smallest use of additional-network: one VPC, its subnet with the pod secondary range, and its firewall rule.
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
  description = "GCP project to deploy into."
}

provider "google" {
  project = var.project
}

module "dataplane" {
  source = "../../modules/terraform/additional-network"

  name      = "multinet-dataplane"
  region    = "us-central1"
  node_cidr = "10.0.1.0/24"
  pod_cidr  = "172.16.1.0/24"
}

output "pod_cidr" {
  description = "The pod range: the range of this network in multus-whereabouts."
  value       = module.dataplane.pod_cidr
}
