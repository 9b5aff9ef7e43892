import { parseSbom, type ParsedSbom } from './parseSbom';
import { parseVex, type ParsedVex } from './parseVex';
import { validateSbom } from './validateSbom';

/** What an SBOM or VEX document holds for the inventory. */
export interface InventoryDocument {
  /** Its packages; absent for a VEX document (vulnerabilities, no components). */
  sbom?: ParsedSbom;
  vex: ParsedVex;
  /** Where it leaves its schema, and the parts that were skipped, with where. */
  problems: string[];
}

/**
 * Reads an SBOM (CycloneDX 1.2-1.6 JSON, SPDX 2.2/2.3/3.0 JSON) or a
 * CycloneDX VEX document. A document that breaks its schema is read as far
 * as it can be, with its problems; one that cannot be read at all throws an
 * InputError saying what and where.
 */
export async function readInventoryDocument(
  data: unknown,
): Promise<InventoryDocument> {
  const vex = parseVex(data);
  const sbom = vex.vexOnly ? undefined : parseSbom(data);
  const problems = [
    ...(await validateSbom(data)),
    ...(sbom?.warnings ?? []),
    ...vex.warnings,
  ];
  return { sbom, vex, problems };
}
