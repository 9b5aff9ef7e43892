import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ResponseError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ANNOTATION_INGESTION_REPOSITORY,
  type RescanResult,
} from '@internal/plugin-catalog-ingestion-common';
import type { GoldenPathsModuleConfig } from '../config';
import { checkRepositoryName } from './publishLocal';
import { examples } from './catalogVisible.examples';

const KIND_PREFERENCE = ['component', 'resource', 'api', 'system'];

function mainEntity(entities: Entity[]): Entity | undefined {
  return [...entities].sort((a, b) => {
    const rank = (e: Entity) => {
      const i = KIND_PREFERENCE.indexOf(e.kind.toLocaleLowerCase('en-US'));
      return i === -1 ? KIND_PREFERENCE.length : i;
    };
    return rank(a) - rank(b);
  })[0];
}

/**
 * `portal:catalog:visible`: asks catalog ingestion to re-scan the new
 * repository now (instead of at its next scheduled run) and waits until
 * its entities are served by the catalog API. A descriptor the catalog
 * refuses fails the step with the ingestion problem (file, line, message).
 */
export function createCatalogVisibleAction(options: {
  config: GoldenPathsModuleConfig;
  auth: AuthService;
  discovery: DiscoveryService;
  catalog: CatalogService;
}) {
  const { config, auth, discovery, catalog } = options;
  return createTemplateAction({
    id: 'portal:catalog:visible',
    description:
      'Makes the entities of a just-published repository visible in the catalog at once, through catalog ingestion, and returns the main entity.',
    examples,
    schema: {
      input: {
        repositoryName: z =>
          z.string().describe('Repository published by portal:publish:local'),
        source: z =>
          z
            .string()
            .optional()
            .describe('Catalog ingestion source that reads the repository'),
      },
      output: {
        entityRef: z => z.string(),
        entityRefs: z => z.array(z.string()),
      },
    },
    async handler(ctx) {
      const repository = ctx.input.repositoryName;
      checkRepositoryName(repository);
      const sourceId = ctx.input.source ?? config.ingestionSource;
      const credentials = await auth.getOwnServiceCredentials();
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'catalog',
      });
      const baseUrl = await discovery.getBaseUrl('catalog');
      const response = await fetch(`${baseUrl}/ingestion/rescan`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ source: sourceId, repository }),
      });
      if (!response.ok) {
        throw await ResponseError.fromResponse(response);
      }
      const result = (await response.json()) as RescanResult;
      const problems = result.runs
        .flatMap(run => run.errors)
        .filter(p => !p.repository || p.repository === repository);
      if (problems.length > 0) {
        throw new InputError(
          `the catalog refused the new repository: ${problems
            .map(
              p =>
                [p.file, p.line].filter(Boolean).join(':') +
                (p.file ? ': ' : '') +
                p.message,
            )
            .join('; ')}`,
        );
      }

      const expected = Math.max(
        1,
        result.runs.reduce((n, run) => n + run.entitiesFound, 0),
      );
      const annotation = `${sourceId}/${repository}`;
      const deadline = Date.now() + config.visibleTimeoutMs;
      for (;;) {
        const { items } = await catalog.queryEntities(
          {
            filter: {
              [`metadata.annotations.${ANNOTATION_INGESTION_REPOSITORY}`]:
                annotation,
            },
            limit: 50,
          },
          { credentials },
        );
        const main = mainEntity(items);
        // All of them, not the first one stitched (an API can come before
        // its component).
        if (main && items.length >= expected) {
          const refs = items.map(e => stringifyEntityRef(e)).sort();
          ctx.logger.info(`Visible in the catalog: ${refs.join(', ')}`);
          ctx.output('entityRef', stringifyEntityRef(main));
          ctx.output('entityRefs', refs);
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `the entities of repository "${repository}" did not appear in the catalog within ${config.visibleTimeoutMs} ms`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    },
  });
}
