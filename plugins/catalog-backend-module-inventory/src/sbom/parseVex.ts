import type { VexState } from '@internal/plugin-inventory-common';
import { PackageURL } from 'packageurl-js';

/** A VEX statement as read from a document, before it is stored. */
export interface ParsedVexStatement {
  vulnerability: string;
  /** Other ids of the same vulnerability the statement lists (its `references`). */
  aliases: string[];
  state: VexState;
  justification?: string;
  response?: string[];
  detail?: string;
  /** The package it is about (purl with version, no qualifiers); absent: the whole component. */
  purl?: string;
  statedAt?: string;
}

export interface ParsedVex {
  statements: ParsedVexStatement[];
  /** Statements skipped or read loosely, with where. */
  warnings: string[];
  /** True when the document is a VEX document only: vulnerabilities, no components. */
  vexOnly: boolean;
}

type Json = Record<string, any>;

const isObject = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const STATES = new Set<VexState>([
  'resolved',
  'resolved_with_pedigree',
  'exploitable',
  'in_triage',
  'false_positive',
  'not_affected',
]);

/** Most statements read from one document. */
export const MAX_VEX_STATEMENTS = 10_000;

/** A purl without qualifiers and subpath; undefined when it is not one. */
function basePurl(purl: unknown): string | undefined {
  if (typeof purl !== 'string' || !purl.startsWith('pkg:')) return undefined;
  try {
    const p = PackageURL.fromString(purl);
    return new PackageURL(
      p.type,
      p.namespace,
      p.name,
      p.version,
      undefined,
      undefined,
    ).toString();
  } catch {
    return undefined;
  }
}

/** The bom-ref a BOM-Link (`urn:cdx:<serial>/<version>#<ref>`) points at, or the ref itself. */
function localRef(ref: string): string {
  const m = /^urn:cdx:[^#]+#(.+)$/.exec(ref);
  if (!m) return ref;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

const text = (v: unknown, max = 4000) =>
  typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined;

/**
 * Reads the VEX statements of a CycloneDX document: every entry of
 * `vulnerabilities` with an `analysis` state, once per thing it affects. An
 * `affects` ref naming a component of the document with a purl makes the
 * statement about that package; the document's own subject
 * (`metadata.component`), a BOM-Link into another document whose ref is
 * not a purl, a ref it cannot resolve, or no `affects` make it about the
 * whole component the document belongs to.
 */
export function parseVex(bom: unknown): ParsedVex {
  const out: ParsedVex = { statements: [], warnings: [], vexOnly: false };
  if (!isObject(bom) || bom.bomFormat !== 'CycloneDX') return out;
  const list = bom.vulnerabilities;
  if (!Array.isArray(list) || list.length === 0) return out;
  out.vexOnly = !Array.isArray(bom.components) || bom.components.length === 0;

  const rootRef =
    typeof bom.metadata?.component?.['bom-ref'] === 'string'
      ? bom.metadata.component['bom-ref']
      : undefined;
  const purlByRef = new Map<string, string | undefined>();
  const collect = (components: unknown, depth: number) => {
    if (!Array.isArray(components) || depth > 100) return;
    for (const c of components) {
      if (!isObject(c)) continue;
      if (typeof c['bom-ref'] === 'string')
        purlByRef.set(c['bom-ref'], basePurl(c.purl));
      collect(c.components, depth + 1);
    }
  };
  collect(bom.components, 1);

  let capped = false;
  list.forEach((v: unknown, i: number) => {
    const at = `vulnerabilities[${i}]`;
    if (!isObject(v) || !isObject(v.analysis)) return;
    const id = text(v.id, 256);
    if (!id) {
      out.warnings.push(`${at}: a VEX statement without an "id"; skipped`);
      return;
    }
    const state = v.analysis.state;
    if (!STATES.has(state)) {
      out.warnings.push(
        `${at}.analysis.state: ${JSON.stringify(state)} is not a VEX state (${[
          ...STATES,
        ].join(', ')}); skipped`,
      );
      return;
    }
    const aliases = Array.isArray(v.references)
      ? v.references
          .map((r: Json) => text(r?.id, 256))
          .filter((r: string | undefined): r is string => !!r)
      : [];
    const base = {
      vulnerability: id,
      aliases,
      state,
      justification: text(v.analysis.justification, 128),
      response: Array.isArray(v.analysis.response)
        ? v.analysis.response
            .filter((r: unknown): r is string => typeof r === 'string')
            .slice(0, 10)
        : undefined,
      detail: text(v.analysis.detail),
      statedAt: text(v.analysis.lastUpdated ?? v.analysis.firstIssued, 64),
    };
    const affects: unknown[] = Array.isArray(v.affects) ? v.affects : [];
    const purls = new Set<string | undefined>();
    for (const [j, a] of affects.entries()) {
      if (!isObject(a) || typeof a.ref !== 'string') continue;
      const ref = localRef(a.ref);
      if (ref === rootRef) purls.add(undefined);
      else if (purlByRef.has(ref)) purls.add(purlByRef.get(ref));
      else if (basePurl(ref)) purls.add(basePurl(ref));
      else if (ref !== a.ref) purls.add(undefined);
      else {
        out.warnings.push(
          `${at}.affects[${j}].ref: "${a.ref}" names no component of the document; the statement is read as about the whole component`,
        );
        purls.add(undefined);
      }
    }
    if (purls.size === 0) purls.add(undefined);
    for (const purl of purls) {
      if (out.statements.length >= MAX_VEX_STATEMENTS) {
        if (!capped)
          out.warnings.push(
            `more than ${MAX_VEX_STATEMENTS} VEX statements; the rest were skipped`,
          );
        capped = true;
        return;
      }
      out.statements.push({ ...base, purl });
    }
  });
  return out;
}
