import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  type TemplateVersionSummary,
} from '@internal/plugin-golden-paths-common';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import semver from 'semver';

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
];

async function all(
  catalog: CatalogService,
  filter: Record<string, string | string[] | symbol>,
  credentials: BackstageCredentials,
): Promise<Entity[]> {
  const entities: Entity[] = [];
  let cursor: string | undefined;
  do {
    const page = cursor
      ? await catalog.queryEntities({ cursor, limit: 500 }, { credentials })
      : await catalog.queryEntities(
          { filter, fields: FIELDS, limit: 500 },
          { credentials },
        );
    entities.push(...page.items);
    cursor = page.pageInfo.nextCursor;
  } while (cursor);
  return entities;
}

function normalizeTemplateRef(value: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** Orders versions newest first; what is not semver sorts last. */
function newestFirst(a: string, b: string): number {
  const va = semver.valid(semver.coerce(a));
  const vb = semver.valid(semver.coerce(b));
  if (va && vb) return semver.rcompare(va, vb);
  if (va) return -1;
  if (vb) return 1;
  return b.localeCompare(a);
}

/** Whether `version` is older than `latest` (semver where both are). */
export function isOlder(version: string, latest: string): boolean {
  const v = semver.valid(semver.coerce(version));
  const l = semver.valid(semver.coerce(latest));
  return v && l ? semver.lt(v, l) : version !== latest;
}

/**
 * Per template: how many components were made with each version, and which
 * are behind the newest version of the template.
 */
export async function templateVersions(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<TemplateVersionSummary[]> {
  const [templates, generated] = await Promise.all([
    all(catalog, { kind: 'Template' }, credentials),
    // What a template makes: the Component or Resource (an API it also
    // describes belongs to that component and is not counted again).
    all(
      catalog,
      {
        kind: ['Component', 'Resource'],
        [`metadata.annotations.${ANNOTATION_TEMPLATE}`]: CATALOG_FILTER_EXISTS,
      },
      credentials,
    ),
  ]);
  const summaries = new Map<string, TemplateVersionSummary>();
  for (const template of templates) {
    const ref = stringifyEntityRef(template);
    summaries.set(ref, {
      templateRef: ref,
      title: template.metadata.title,
      latestVersion:
        template.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION],
      versions: [],
      behind: [],
    });
  }
  const counts = new Map<string, Map<string, number>>();
  for (const entity of generated) {
    const ref = normalizeTemplateRef(
      entity.metadata.annotations?.[ANNOTATION_TEMPLATE] ?? '',
    );
    if (!ref) continue;
    const version =
      entity.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION] ?? 'unknown';
    let summary = summaries.get(ref);
    if (!summary) {
      // Made by a template that is no longer in the catalog.
      summary = { templateRef: ref, versions: [], behind: [] };
      summaries.set(ref, summary);
    }
    const perVersion = counts.get(ref) ?? new Map<string, number>();
    perVersion.set(version, (perVersion.get(version) ?? 0) + 1);
    counts.set(ref, perVersion);
    if (summary.latestVersion && isOlder(version, summary.latestVersion)) {
      summary.behind.push({
        entityRef: stringifyEntityRef(entity),
        version,
        owner:
          typeof entity.spec?.owner === 'string'
            ? entity.spec.owner
            : undefined,
      });
    }
  }
  for (const [ref, perVersion] of counts) {
    const summary = summaries.get(ref)!;
    summary.versions = [...perVersion]
      .map(([version, components]) => ({ version, components }))
      .sort((a, b) => newestFirst(a.version, b.version));
    summary.behind.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  }
  return [...summaries.values()].sort((a, b) =>
    a.templateRef.localeCompare(b.templateRef),
  );
}
