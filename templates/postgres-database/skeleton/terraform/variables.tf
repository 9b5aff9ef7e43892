# Where the database runs. What it is (size, version, tier, tags) was decided
# in the portal and lives in main.tf; change those through a reviewed pull
# request.

variable "region" {
  description = "AWS region of the database."
  type        = string
  default     = "eu-central-1"
}

variable "vpc_id" {
  description = "VPC of the service that uses the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the database, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups (of the service's pods or instances) that may connect on 5432."
  type        = list(string)
  default     = []
}

variable "kms_key_id" {
  description = "KMS key for storage encryption; null uses the AWS managed key for RDS."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the PostgreSQL logs."
  type        = number
  default     = 30
}
