terraform {
  required_version = ">= 1.10.0"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.36"
    }
  }

  # State in the platform team's S3 bucket; bucket, region and locking come
  # from -backend-config at init (see docs/index.md).
  backend "s3" {
    key = "namespaces/${{ values.name }}/terraform.tfstate"
  }
}
