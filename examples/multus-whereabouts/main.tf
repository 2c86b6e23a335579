# The smallest use of multus-whereabouts: Multus + Whereabouts and one attachment on eth1, on the cluster your
# kubeconfig's current context points at (gcloud container clusters get-credentials <cluster> first).
#
#   terraform init && terraform apply && helm test multus-whereabouts -n kube-system

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    kubernetes = { source = "hashicorp/kubernetes", version = ">= 2.38, < 4" }
    helm       = { source = "hashicorp/helm", version = ">= 3.1, < 4" }
  }
}

provider "kubernetes" {
  config_path = "~/.kube/config"
}

provider "helm" {
  kubernetes = {
    config_path = "~/.kube/config"
  }
}

module "multus" {
  source = "../../modules/terraform/multus-whereabouts"

  networks = [{
    name  = "dataplane"
    range = "172.16.1.0/24"
  }]
}

output "pod_annotations" {
  description = "Annotation that attaches a pod of each namespace to the network."
  value       = module.multus.pod_annotations
}
