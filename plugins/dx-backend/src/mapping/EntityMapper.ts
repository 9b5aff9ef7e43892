import type { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NormalizedEvent } from '@internal/plugin-dx-common';

/** Annotations naming an entity's repository as `owner/name`. */
export const SLUG_ANNOTATIONS = [
  'github.com/project-slug',
  'gitlab.com/project-slug',
];

const KINDS = ['component', 'system', 'resource', 'api'];

export type Mapping = { entityRef: string } | { reason: string };

interface Index {
  refs: Set<string>;
  bySlug: Map<string, string[]>;
  byName: Map<string, string[]>;
  builtAt: number;
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/**
 * Maps an event's subject to a catalog entity: the entity ref it names, else
 * the entity whose `github.com/project-slug` (or GitLab's) is its
 * repository, else the component named like its service. The catalog is
 * read into an index at most once a minute per process (derived data, not
 * shared state).
 */
export class EntityMapper {
  private index?: Promise<Index>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs = 60_000,
  ) {}

  /**
   * A mapping function over a fresh enough index: built within the TTL, or
   * within `maxAgeMs` when given (after a miss, an entity may have reached
   * the catalog since the index was built).
   */
  async resolver(
    options: { maxAgeMs?: number } = {},
  ): Promise<(subject: NormalizedEvent['subject']) => Mapping> {
    const index = await this.current(options.maxAgeMs ?? this.ttlMs);
    return subject => resolve(index, subject);
  }

  /** Forget the index (after catalog changes, in tests). */
  refresh() {
    this.index = undefined;
  }

  private async current(maxAgeMs: number): Promise<Index> {
    const existing = this.index
      ? await this.index.catch(() => undefined)
      : undefined;
    if (existing && Date.now() - existing.builtAt < maxAgeMs) return existing;
    this.index = this.build();
    return this.index;
  }

  private async build(): Promise<Index> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const index: Index = {
      refs: new Set(),
      bySlug: new Map(),
      byName: new Map(),
      builtAt: Date.now(),
    };
    const add = (map: Map<string, string[]>, key: string, ref: string) => {
      const list = map.get(key) ?? [];
      list.push(ref);
      map.set(key, list);
    };
    let cursor: string | undefined;
    do {
      const page = await this.catalog.queryEntities(
        cursor
          ? { cursor, limit: 1000 }
          : {
              filter: { kind: KINDS },
              fields: [
                'kind',
                'metadata.name',
                'metadata.namespace',
                'metadata.annotations',
              ],
              limit: 1000,
            },
        { credentials },
      );
      for (const e of page.items) {
        const ref = lower(stringifyEntityRef(e));
        index.refs.add(ref);
        for (const a of SLUG_ANNOTATIONS) {
          const slug = e.metadata.annotations?.[a];
          if (slug) add(index.bySlug, lower(slug), ref);
        }
        if (lower(e.kind) === 'component')
          add(index.byName, lower(e.metadata.name), ref);
      }
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return index;
  }
}

function resolve(index: Index, subject: NormalizedEvent['subject']): Mapping {
  if (subject.entityRef) {
    let ref: string;
    try {
      ref = lower(
        stringifyEntityRef(
          parseEntityRef(subject.entityRef, {
            defaultKind: 'component',
            defaultNamespace: 'default',
          }),
        ),
      );
    } catch (e) {
      return {
        reason: `entity ref ${subject.entityRef}: ${(e as Error).message}`,
      };
    }
    return index.refs.has(ref)
      ? { entityRef: ref }
      : { reason: `no entity ${ref} in the catalog` };
  }
  if (subject.repository) {
    const refs = index.bySlug.get(lower(subject.repository)) ?? [];
    const components = refs.filter(r => r.startsWith('component:'));
    if (refs.length === 1) return { entityRef: refs[0] };
    if (components.length === 1) return { entityRef: components[0] };
    if (refs.length > 1)
      return {
        reason: `${refs.length} entities have project slug ${subject.repository}`,
      };
    if (!subject.service)
      return { reason: `no entity has project slug ${subject.repository}` };
  }
  if (subject.service) {
    const refs = index.byName.get(lower(subject.service)) ?? [];
    if (refs.length === 1) return { entityRef: refs[0] };
    return {
      reason:
        refs.length > 1
          ? `${refs.length} components are named ${subject.service}`
          : `no component named ${subject.service}${
              subject.repository
                ? ` and no entity has project slug ${subject.repository}`
                : ''
            }`,
    };
  }
  return { reason: 'the event names no entity, repository or service' };
}
