# Which cluster, and how the cluster knows the team. What the namespace is
# (name, quota, labels) was decided in the portal and lives in main.tf;
# change that through a reviewed pull request.

variable "kubeconfig_path" {
  description = "Kubeconfig with access to the cluster."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "Context of the kubeconfig to use; null uses the current one."
  type        = string
  default     = null
}

variable "group_prefix" {
  description = "Prefix of group names from the cluster's identity provider (for example \"oidc:\")."
  type        = string
  default     = ""
}

variable "ingress_namespace" {
  description = "Namespace of the ingress controller, allowed to reach the pods."
  type        = string
  default     = "ingress-nginx"
}

variable "monitoring_namespace" {
  description = "Namespace of Prometheus, allowed to scrape the pods."
  type        = string
  default     = "monitoring"
}
