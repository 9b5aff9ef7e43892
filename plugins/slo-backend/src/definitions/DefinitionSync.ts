import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  type Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  IngestionClient,
  type OpenSloFile,
  type OpenSloFilePage,
} from '@internal/plugin-catalog-ingestion-common';
import {
  parseOpenSlo,
  parseOpenSloDocuments,
} from '@internal/plugin-slo-common';
import type { SliSource } from '@internal/plugin-slo-node';
import fs from 'node:fs/promises';
import { asService } from '@internal/portal-common';
import type { SloDefinitionRow, SloStore } from '../store/SloStore';
import { dedupeRows, toDefinitions } from './toDefinitions';

/** Largest OpenSLO text accepted (a file or a UI submission). */
export const MAX_OPENSLO_BYTES = 256 * 1024;

/** Owner and system of an entity, from its relations. */
export function ownership(entity: Entity | undefined): {
  ownerRef?: string;
  systemRef?: string;
} {
  const rel = (type: string, kind?: string) =>
    entity?.relations?.find(
      r =>
        r.type === type &&
        (!kind || parseEntityRef(r.targetRef).kind.toLowerCase() === kind),
    )?.targetRef;
  const ownerRef = rel(RELATION_OWNED_BY);
  const systemRef =
    entity?.kind.toLowerCase() === 'system'
      ? stringifyEntityRef(entity)
      : rel(RELATION_PART_OF, 'system');
  return {
    ...(ownerRef ? { ownerRef } : {}),
    ...(systemRef ? { systemRef } : {}),
  };
}

/**
 * Keeps the SLO definitions in step with where they are declared: the
 * platform's own file, and the OpenSLO files catalog ingestion found in
 * repositories (through its API). UI-made SLOs are left alone.
 */
export class DefinitionSync {
  private warnedNoIngestion = false;

  constructor(
    private readonly options: {
      store: SloStore;
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      logger: LoggerService;
      source: (type: string) => SliSource | undefined;
      platform: { file?: string; entityRef: string };
    },
  ) {}

  /** Both kinds; a platform file that cannot be read does not stop the rest. */
  async syncAll(): Promise<void> {
    try {
      await this.syncPlatform();
    } catch (e) {
      this.options.logger.error(
        `platform SLOs not loaded from ${this.options.platform.file}: ${
          (e as Error).message
        }`,
      );
    }
    await this.syncRepositories();
  }

  async syncPlatform(): Promise<void> {
    const { file } = this.options.platform;
    const entityRef =
      this.options.platform.entityRef.toLocaleLowerCase('en-US');
    if (!file) {
      await this.options.store.replaceDefinitions({ origin: 'platform' }, []);
      return;
    }
    const yaml = await fs.readFile(file, 'utf8');
    const entity = await this.entities([entityRef]);
    const rows = toDefinitions(
      parseOpenSlo(yaml),
      {
        entityRef,
        ...ownership(entity.get(entityRef)),
        origin: 'platform',
        file,
        yaml,
      },
      this.options.source,
    );
    await this.options.store.replaceDefinitions({ origin: 'platform' }, rows);
  }

  /**
   * The OpenSLO files of each repository are read together, so an SLO can
   * name an SLI, alert policy, condition, target or data source kept in
   * another file of its repository; each SLO then belongs to the entity of
   * the file that declares it.
   */
  async syncRepositories(): Promise<void> {
    const files = await this.readFiles();
    if (!files) return;
    const byRepository = new Map<string, OpenSloFile[]>();
    const byEntity = new Map<string, SloDefinitionRow[]>();
    for (const f of files) {
      const key = `${f.sourceId}\u0000${f.repository}`;
      byRepository.set(key, [...(byRepository.get(key) ?? []), f]);
      byEntity.set(f.entityRef, []);
    }
    const entities = await this.entities([...byEntity.keys()]);
    for (const list of byRepository.values()) {
      const readable: OpenSloFile[] = [];
      for (const f of list) {
        const ref = f.entityRef.toLocaleLowerCase('en-US');
        const owners = ownership(entities.get(f.entityRef));
        if (Buffer.byteLength(f.content) > MAX_OPENSLO_BYTES) {
          byEntity.get(f.entityRef)!.push({
            entityRef: ref,
            ownerRef: owners.ownerRef?.toLocaleLowerCase('en-US'),
            systemRef: owners.systemRef?.toLocaleLowerCase('en-US'),
            origin: 'repository',
            file: `${f.sourceId}/${f.repository}:${f.file}`,
            id: `${ref}/${f.file}`,
            name: f.file,
            sourceType: '',
            problems: [
              {
                path: f.file,
                severity: 'error',
                message: `over ${MAX_OPENSLO_BYTES} bytes`,
              },
            ],
          });
          continue;
        }
        readable.push(f);
      }
      const parsed = parseOpenSloDocuments(
        readable.map(f => ({ path: f.file, text: f.content })),
      );
      parsed.files.forEach((result, i) => {
        const f = readable[i];
        byEntity.get(f.entityRef)!.push(
          ...toDefinitions(
            result,
            {
              entityRef: f.entityRef,
              ...ownership(entities.get(f.entityRef)),
              origin: 'repository',
              file: `${f.sourceId}/${f.repository}:${f.file}`,
              yaml: f.content,
            },
            this.options.source,
          ),
        );
      });
    }
    for (const [entityRef, rows] of byEntity) {
      const ref = entityRef.toLocaleLowerCase('en-US');
      await this.options.store.replaceDefinitions(
        { origin: 'repository', entityRef: ref },
        dedupeRows(rows, ref),
      );
    }
    // Entities whose files are gone lose their repository SLOs.
    const current = new Set(
      [...byEntity.keys()].map(r => r.toLocaleLowerCase('en-US')),
    );
    const stored = await this.options.store.listDefinitions({
      origin: 'repository',
    });
    for (const ref of new Set(stored.map(d => d.entityRef)))
      if (!current.has(ref))
        await this.options.store.replaceDefinitions(
          { origin: 'repository', entityRef: ref },
          [],
        );
  }

  /** Every OpenSLO file ingestion holds; undefined when it cannot tell. */
  private async readFiles(): Promise<OpenSloFile[] | undefined> {
    const files: OpenSloFile[] = [];
    let offset: number | undefined = 0;
    const ingestion = new IngestionClient({
      discoveryApi: this.options.discovery,
    });
    try {
      const asSlo = await asService(this.options.auth, 'catalog');
      while (offset !== undefined) {
        const page: OpenSloFilePage = await ingestion.listOpenSloFiles(
          { offset, limit: 500 },
          asSlo,
        );
        files.push(...page.items);
        offset = page.nextOffset;
      }
    } catch (e) {
      if (!this.warnedNoIngestion)
        this.options.logger.warn(
          `repository SLOs not loaded: catalog ingestion's OpenSLO files are not available (${
            (e as Error).message
          })`,
        );
      this.warnedNoIngestion = true;
      return undefined;
    }
    this.warnedNoIngestion = false;
    return files;
  }

  private async entities(refs: string[]): Promise<Map<string, Entity>> {
    const result = new Map<string, Entity>();
    if (refs.length === 0) return result;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    for (let i = 0; i < refs.length; i += 200) {
      const chunk = refs.slice(i, i + 200);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: chunk },
        { credentials },
      );
      items.forEach((e, j) => {
        if (e) result.set(chunk[j], e);
      });
    }
    return result;
  }
}
