import {
  getPluginJson,
  type PluginClientOptions,
  type PluginRequestOptions,
} from '@internal/portal-common';
import type {
  EntityDependencies,
  PackageUsageResult,
  VulnerabilityList,
} from './dependencies';

/** The dependency inventory's API, `/api/catalog/ingestion/dependencies/*`. */
export interface InventoryApi {
  /** Packages and stored SBOMs of a component. */
  getEntityDependencies(
    entityRef: string,
    options?: PluginRequestOptions,
  ): Promise<EntityDependencies>;
  /** Components using a package, optionally within a semver range. */
  listPackageUsages(
    request: { package: string; range?: string },
    options?: PluginRequestOptions,
  ): Promise<PackageUsageResult>;
  /** Component packages advisories affect: of one entity, or all. */
  listVulnerabilities(
    request?: { entityRef?: string },
    options?: PluginRequestOptions,
  ): Promise<VulnerabilityList>;
}

/**
 * Typed client of the dependency inventory, served by the catalog backend
 * (module catalog-backend-module-inventory): for the Dependencies pages, and
 * for other plugins (DX reads package usages).
 */
export class InventoryClient implements InventoryApi {
  constructor(private readonly options: PluginClientOptions) {}

  private get<T>(path: string, options?: PluginRequestOptions) {
    return getPluginJson<T>(
      this.options,
      'catalog',
      `/ingestion/dependencies${path}`,
      options,
    );
  }

  getEntityDependencies(
    entityRef: string,
    options?: PluginRequestOptions,
  ): Promise<EntityDependencies> {
    const query = new URLSearchParams({ entityRef });
    return this.get(`/entity?${query}`, options);
  }

  listPackageUsages(
    request: { package: string; range?: string },
    options?: PluginRequestOptions,
  ): Promise<PackageUsageResult> {
    const query = new URLSearchParams({ package: request.package });
    if (request.range) query.set('range', request.range);
    return this.get(`/usages?${query}`, options);
  }

  listVulnerabilities(
    request: { entityRef?: string } = {},
    options?: PluginRequestOptions,
  ): Promise<VulnerabilityList> {
    const query = request.entityRef
      ? `?${new URLSearchParams({ entityRef: request.entityRef })}`
      : '';
    return this.get(`/vulnerabilities${query}`, options);
  }
}
