import {
  VEX_HIDING_STATES,
  type Vulnerability,
  type VexStatement,
} from '@internal/plugin-inventory-common';
import type { Knex } from 'knex';
import type { ParsedVexStatement } from '../sbom/parseVex';

const CHUNK = 500;

/** A stored statement with the ids it names. */
export interface StoredVexStatement extends VexStatement {
  entityRef: string;
  ids: string[];
}

function validDate(t: string | undefined): Date | undefined {
  if (!t) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The purl without its version, to compare a statement without one. */
const unversioned = (purl: string) => purl.replace(/@[^@/]*$/, '');

/**
 * VEX statements per component, in the inventory's table
 * inventory_vex_statements: replaced per origin (an upload, or one file of a
 * repository) as SBOMs are.
 */
export class DatabaseVexStore {
  constructor(private readonly knex: Knex) {}

  /** Replaces the statements of one origin for a component. */
  async replaceStatements(options: {
    entityRef: string;
    origin: string;
    statements: ParsedVexStatement[];
    sourceId?: string;
    repository?: string;
  }): Promise<void> {
    const now = new Date();
    await this.knex.transaction(async tx => {
      await tx('inventory_vex_statements')
        .where({ entity_ref: options.entityRef, origin: options.origin })
        .delete();
      const rows = options.statements.map(s => ({
        entity_ref: options.entityRef,
        origin: options.origin,
        source_id: options.sourceId ?? null,
        repository: options.repository ?? null,
        vulnerability: s.vulnerability,
        aliases: JSON.stringify(s.aliases),
        purl: s.purl ?? null,
        state: s.state,
        justification: s.justification ?? null,
        response: s.response ? JSON.stringify(s.response) : null,
        detail: s.detail ?? null,
        stated_at: validDate(s.statedAt) ?? now,
      }));
      for (let i = 0; i < rows.length; i += CHUNK)
        await tx('inventory_vex_statements').insert(rows.slice(i, i + CHUNK));
    });
  }

  /** Deletes a repository's statements except those from the given origins. */
  async pruneRepository(
    sourceId: string,
    repository: string,
    keepOrigins: string[],
  ): Promise<void> {
    await this.knex('inventory_vex_statements')
      .where({ source_id: sourceId, repository })
      .whereNotIn('origin', keepOrigins.length ? keepOrigins : [''])
      .delete();
  }

  /** The statements about the given components. */
  async statementsFor(entityRefs: string[]): Promise<StoredVexStatement[]> {
    const out: StoredVexStatement[] = [];
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      const rows = await this.knex('inventory_vex_statements')
        .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK))
        .orderBy('id');
      for (const r of rows) {
        const aliases: string[] = JSON.parse(r.aliases);
        out.push({
          entityRef: r.entity_ref,
          ids: [r.vulnerability, ...aliases],
          vulnerability: r.vulnerability,
          state: r.state,
          justification: r.justification ?? undefined,
          response: r.response ? JSON.parse(r.response) : undefined,
          detail: r.detail ?? undefined,
          purl: r.purl ?? undefined,
          origin: r.origin,
          statedAt: new Date(r.stated_at).toISOString(),
        });
      }
    }
    return out;
  }
}

/**
 * The statement that applies to a match: about its vulnerability (by any
 * id) and its component, about its package (with the version when the
 * statement names one) or the whole component; the latest when several do.
 */
export function statementFor(
  match: Pick<Vulnerability, 'entityRef' | 'purl' | 'vulnKey' | 'advisory'>,
  statements: StoredVexStatement[],
): StoredVexStatement | undefined {
  const ids = new Set([
    match.advisory.id,
    match.vulnKey,
    ...match.advisory.aliases,
  ]);
  let found: StoredVexStatement | undefined;
  for (const s of statements) {
    if (s.entityRef !== match.entityRef) continue;
    if (!s.ids.some(id => ids.has(id))) continue;
    if (s.purl !== undefined) {
      const samePackage = /@[^@/]*$/.test(s.purl)
        ? s.purl === match.purl
        : s.purl === unversioned(match.purl);
      if (!samePackage) continue;
    }
    if (!found || s.statedAt >= found.statedAt) found = s;
  }
  return found;
}

/** Splits matches into those that count and those a statement hides, each with its statement. */
export function applyVex(
  matches: Vulnerability[],
  statements: StoredVexStatement[],
): { items: Vulnerability[]; suppressed: Vulnerability[] } {
  const items: Vulnerability[] = [];
  const suppressed: Vulnerability[] = [];
  for (const m of matches) {
    const s = statementFor(m, statements);
    if (!s) {
      items.push(m);
      continue;
    }
    const { entityRef: _e, ids: _i, ...vex } = s;
    const shown = { ...m, vex };
    if (VEX_HIDING_STATES.includes(s.state)) suppressed.push(shown);
    else items.push(shown);
  }
  return { items, suppressed };
}
