terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # State in the platform team's S3 bucket; bucket, region and locking come
  # from -backend-config at init (see docs/index.md).
  backend "s3" {
    key = "databases/${{ values.name }}/terraform.tfstate"
  }
}
