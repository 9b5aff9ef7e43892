import fs from 'node:fs';
import path from 'node:path';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkParameterSafety,
  evaluatePolicy,
  parseGoldenPathPolicy,
  type GoldenPathPolicy,
  type PolicyCheckResult,
} from '@internal/plugin-golden-paths-common';
import yaml from 'yaml';

/**
 * Reads the policy from `goldenPaths.policy` (a YAML file and/or inline
 * rules) once at start-up. A broken policy stops the start with the place
 * of the mistake: running without the organisation's rules is worse.
 */
export function readPolicy(config: Config): GoldenPathPolicy {
  const file = config.getOptionalString('goldenPaths.policy.file');
  let fromFile: { rules?: unknown[]; gates?: unknown[] } = {};
  if (file) {
    const where = path.resolve(file);
    let text: string;
    try {
      text = fs.readFileSync(where, 'utf8');
    } catch (error) {
      throw new Error(`cannot read golden-path policy file ${where}: ${error}`);
    }
    try {
      fromFile = yaml.parse(text) ?? {};
    } catch (error) {
      throw new Error(
        `golden-path policy file ${where} is not valid YAML: ${error}`,
      );
    }
    parseGoldenPathPolicy(fromFile, `policy file ${where}`);
  }
  const inline = config.getOptional<{ rules?: unknown[]; gates?: unknown[] }>(
    'goldenPaths.policy',
  );
  return parseGoldenPathPolicy(
    {
      rules: [...(fromFile.rules ?? []), ...(inline?.rules ?? [])],
      gates: [...(fromFile.gates ?? []), ...(inline?.gates ?? [])],
    },
    'policy',
  );
}

/** Judges template requests against the policy, looking owners up in the catalog. */
export class PolicyService {
  constructor(
    private readonly policy: GoldenPathPolicy,
    private readonly catalog: CatalogService,
  ) {}

  async check(
    template: string,
    parameters: Record<string, unknown>,
    credentials: BackstageCredentials,
  ): Promise<PolicyCheckResult> {
    const problems = checkParameterSafety(parameters);
    if (problems.length) return { problems, violations: [], gates: [] };
    const result = await evaluatePolicy(
      this.policy,
      { template, parameters },
      {
        entityExists: async (value, kind) => {
          let ref: string;
          try {
            const parsed = parseEntityRef(value, {
              defaultKind: kind,
              defaultNamespace: 'default',
            });
            if (
              parsed.kind.toLocaleLowerCase('en-US') !==
              kind.toLocaleLowerCase('en-US')
            ) {
              return false;
            }
            ref = stringifyEntityRef(parsed);
          } catch {
            return false;
          }
          const { items } = await this.catalog.getEntitiesByRefs(
            { entityRefs: [ref], fields: ['kind'] },
            { credentials },
          );
          return items[0] !== null && items[0] !== undefined;
        },
      },
    );
    return { problems: [], ...result };
  }
}
