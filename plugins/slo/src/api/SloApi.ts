import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  PlatformHealth,
  SloCreateRequest,
  SloDetail,
  SloProblem,
  SloState,
  SloSummary,
} from '@internal/plugin-slo-common';

/** Filters of the SLO list; owner and system are entity refs. */
export interface SloListFilter {
  entityRef?: string;
  owner?: string;
  system?: string;
  state?: SloState;
}

/** What `POST /validate` answers: the SLOs a file would give, and its problems. */
export interface SloValidation {
  slos: Array<{ name: string; target: number; sourceType: string }>;
  problems: SloProblem[];
}

/**
 * Client of the SLO backend (`/api/slo`).
 *
 * @public
 */
export interface SloApi {
  /** SLOs, optionally of one entity, owner, system or state. */
  listSlos(filter?: SloListFilter): Promise<SloSummary[]>;
  /** One SLO with its series, burn rates, alerts; the range defaults to its window. */
  getSlo(id: string, range?: { from?: Date; to?: Date }): Promise<SloDetail>;
  /** Checks an OpenSLO file without saving it. */
  validateSlo(yaml: string): Promise<SloValidation>;
  /** Creates the SLOs of an OpenSLO file for an entity (owners only). */
  createSlo(request: SloCreateRequest): Promise<SloSummary[]>;
  /** Deletes an SLO created in the UI. */
  deleteSlo(id: string): Promise<void>;
  /** The portal's own SLOs, provisioning times and probes. */
  getPlatformHealth(): Promise<PlatformHealth>;
}

/** @public */
export const sloApiRef = createApiRef<SloApi>({ id: 'plugin.slo.api' });
