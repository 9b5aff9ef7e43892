output "namespace" {
  description = "Name of the namespace."
  value       = kubernetes_namespace.this.metadata[0].name
}

output "quota" {
  description = "Hard limits of the namespace's resource quota."
  value       = kubernetes_resource_quota.this.spec[0].hard
}

output "labels" {
  description = "Labels on every object of this namespace."
  value       = local.tags
}
