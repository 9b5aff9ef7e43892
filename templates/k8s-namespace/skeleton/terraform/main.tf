provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

locals {
  namespace = "${{ values.name }}"
  team      = "${{ values.owner | parseEntityRef({ defaultKind: "group", defaultNamespace: "default" }) | pick("name") }}"
  cpu       = tonumber("${{ values.cpu }}")
  memory_gi = tonumber("${{ values.memoryGi }}")

  # Required on every object (as labels): cost reports, ownership and the
  # template that made it.
  tags = {
    "cost-center"      = "${{ values.costCenter }}"
    "owner"            = local.team
    "team"             = local.team
    "managed-by"       = "platform-portal"
    "template"         = "${{ values.templateName }}"
    "template-version" = "${{ values.templateVersion }}"
  }

  namespace_labels = merge(local.tags, {
    # Pods must meet the restricted Pod Security Standard.
    "pod-security.kubernetes.io/enforce" = "restricted"
    "pod-security.kubernetes.io/audit"   = "restricted"
    "pod-security.kubernetes.io/warn"    = "restricted"
    # The cluster's log collector ships the container logs of namespaces
    # with this label.
    "portal.dev/logging" = "enabled"
  })
}

resource "kubernetes_namespace" "this" {
  metadata {
    name   = local.namespace
    labels = local.namespace_labels
    annotations = {
      "portal.dev/owner"       = "${{ values.owner }}"
      "portal.dev/cost-center" = "${{ values.costCenter }}"
    }
  }

  lifecycle {
    precondition {
      condition     = local.namespace != "default" && !startswith(local.namespace, "kube-")
      error_message = "default and kube-* namespaces belong to the cluster."
    }
  }
}

resource "kubernetes_resource_quota" "this" {
  metadata {
    name      = "team-quota"
    namespace = kubernetes_namespace.this.metadata[0].name
    labels    = local.tags
  }

  spec {
    hard = {
      "requests.cpu"           = local.cpu
      "limits.cpu"             = local.cpu * 2
      "requests.memory"        = "${local.memory_gi}Gi"
      "limits.memory"          = "${local.memory_gi * 2}Gi"
      "pods"                   = 50
      "persistentvolumeclaims" = 10
      "services.loadbalancers" = 0
      "services.nodeports"     = 0
    }
  }
}

# Containers without requests and limits get these, so that the quota
# admits them.
resource "kubernetes_limit_range" "this" {
  metadata {
    name      = "container-defaults"
    namespace = kubernetes_namespace.this.metadata[0].name
    labels    = local.tags
  }

  spec {
    limit {
      type = "Container"
      default = {
        cpu    = "500m"
        memory = "512Mi"
      }
      default_request = {
        cpu    = "100m"
        memory = "128Mi"
      }
      max = {
        cpu    = local.cpu
        memory = "${local.memory_gi}Gi"
      }
    }
  }
}

# Nothing may connect to the pods unless a policy allows it.
resource "kubernetes_network_policy" "default_deny_ingress" {
  metadata {
    name      = "default-deny-ingress"
    namespace = kubernetes_namespace.this.metadata[0].name
    labels    = local.tags
  }

  spec {
    pod_selector {}
    policy_types = ["Ingress"]
  }
}

# Allowed: pods of this namespace, the ingress controller and Prometheus.
resource "kubernetes_network_policy" "allow_namespace_and_platform" {
  metadata {
    name      = "allow-namespace-and-platform"
    namespace = kubernetes_namespace.this.metadata[0].name
    labels    = local.tags
  }

  spec {
    pod_selector {}
    policy_types = ["Ingress"]

    ingress {
      from {
        pod_selector {}
      }
      from {
        namespace_selector {
          match_labels = {
            "kubernetes.io/metadata.name" = var.ingress_namespace
          }
        }
      }
      from {
        namespace_selector {
          match_labels = {
            "kubernetes.io/metadata.name" = var.monitoring_namespace
          }
        }
      }
    }
  }
}

# The team may create and change workloads in its namespace (not quotas,
# limits or RBAC).
resource "kubernetes_role_binding" "team_edit" {
  metadata {
    name      = "team-edit"
    namespace = kubernetes_namespace.this.metadata[0].name
    labels    = local.tags
  }

  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "edit"
  }

  subject {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Group"
    name      = "${var.group_prefix}${local.team}"
  }
}
