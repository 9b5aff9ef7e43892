provider "aws" {
  region = var.region
}

locals {
  name           = "${{ values.name }}"
  db_name        = "${{ values.name | replace("-", "_") }}"
  engine_version = "${{ values.postgresVersion }}"
  storage_gb     = tonumber("${{ values.storageGb }}")
  tier           = "${{ values.tier }}"
  lifecycle      = "${{ values.lifecycle }}"

  high_availability     = local.tier == "high-availability"
  production            = local.lifecycle == "production"
  instance_class        = local.high_availability ? "db.m6g.large" : "db.t4g.medium"
  backup_retention_days = local.production ? 14 : 7

  # Required on every resource: cost reports, ownership and the template
  # that made it.
  tags = {
    "cost-center"      = "${{ values.costCenter }}"
    "owner"            = "${{ values.owner | parseEntityRef({ defaultKind: "group", defaultNamespace: "default" }) | pick("name") }}"
    "service"          = "${{ values.service | parseEntityRef({ defaultKind: "component", defaultNamespace: "default" }) | pick("name") }}"
    "managed-by"       = "platform-portal"
    "template"         = "${{ values.templateName }}"
    "template-version" = "${{ values.templateVersion }}"
  }
}

resource "aws_db_subnet_group" "this" {
  name        = local.name
  description = "Subnets of the ${local.name} database"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_security_group" "this" {
  name        = "${local.name}-postgres"
  description = "PostgreSQL ${local.name}: connections from its service only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "from_service" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  referenced_security_group_id = each.value
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from ${each.value}"
  tags                         = local.tags
}

resource "aws_db_parameter_group" "this" {
  name        = "${local.name}-postgres${local.engine_version}"
  family      = "postgres${local.engine_version}"
  description = "Parameters of the ${local.name} database"
  tags        = local.tags

  # TLS only.
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Log connections and every statement slower than one second.
  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Created before the instance so that the retention applies from the first
# log line (RDS would otherwise create the group without retention).
resource "aws_cloudwatch_log_group" "postgresql" {
  name              = "/aws/rds/instance/${local.name}/postgresql"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_db_instance" "this" {
  identifier     = local.name
  engine         = "postgres"
  engine_version = local.engine_version
  instance_class = local.instance_class
  db_name        = local.db_name

  # The master password is generated and rotated by RDS in Secrets Manager.
  username                            = "dbadmin"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true

  allocated_storage = local.storage_gb
  storage_type      = "gp3"
  storage_encrypted = true
  kms_key_id        = var.kms_key_id

  multi_az               = local.high_availability
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false

  backup_retention_period   = local.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = local.production
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-final"

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
  performance_insights_enabled    = true
  auto_minor_version_upgrade      = true

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.postgresql]
}

resource "aws_cloudwatch_metric_alarm" "free_storage" {
  alarm_name          = "${local.name}-free-storage-low"
  alarm_description   = "Less than 10 % of the storage of ${local.name} is free."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 3
  comparison_operator = "LessThanThreshold"
  threshold           = local.storage_gb * 1024 * 1024 * 1024 * 0.1
  dimensions = {
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }
  tags = local.tags
}
