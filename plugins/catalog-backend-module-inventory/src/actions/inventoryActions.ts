import type {
  ActionsRegistryActionOptions,
  ActionsRegistryService,
} from '@backstage/backend-plugin-api/alpha';
import { entityRefParam } from '@internal/plugin-catalog-ingestion-node';
import { inventoryActionsReadPermission } from '@internal/plugin-inventory-common';
import {
  entityDependencies,
  packageUsages,
  type DependencyReadServices,
} from '../service/dependencyReads';

/** The zod (v3) the actions registry hands to the schema callbacks. */
type Z = Parameters<
  ActionsRegistryActionOptions<any, any>['schema']['input']
>[0];

const packageFields = (z: Z) => ({
  purl: z.string().describe('Package URL with version'),
  type: z.string().describe('Ecosystem (purl type): npm, maven, pypi, ...'),
  namespace: z.string().optional(),
  name: z.string(),
  version: z.string(),
  direct: z
    .boolean()
    .describe('true: a direct dependency; false: a transitive one'),
  licenses: z.array(z.string()).optional(),
});

/**
 * Registers the dependency inventory's reads as actions
 * (`catalog:who-uses-package`, `catalog:get-entity-packages`), answering
 * only about entities the caller may read, as the routes do.
 */
export function registerInventoryActions(
  services: DependencyReadServices & {
    actionsRegistry: ActionsRegistryService;
  },
): void {
  const { actionsRegistry } = services;

  actionsRegistry.register({
    name: 'who-uses-package',
    title: 'Who uses a package',
    description:
      'Lists the catalog components whose SBOM contains a package, with the version each uses, whether directly or transitively, and the owner to contact. ' +
      'Use it to find who is affected by a vulnerable or deprecated library; package is a purl without version (pkg:npm/lodash, pkg:maven/org.apache.logging.log4j/log4j-core) or a bare name (any ecosystem), range an optional semver range such as <4.17.21.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: inventoryActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          package: z
            .string()
            .min(1)
            .max(512)
            .describe(
              'A purl without version (pkg:npm/lodash) or a package name (lodash, @angular/core)',
            ),
          range: z
            .string()
            .max(256)
            .optional()
            .describe(
              'Semver range of versions to match, e.g. <4.17.21 or >=2.0.0 <2.15.0; all versions when absent',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(1000)
            .optional()
            .describe('Most rows to answer (default 200)'),
        }),
      output: z =>
        z.object({
          query: z.object({
            package: z.string(),
            range: z.string().optional(),
          }),
          components: z
            .number()
            .describe('Distinct components using a matching version'),
          truncated: z
            .boolean()
            .describe('true when there were more rows than limit'),
          items: z.array(
            z.object({
              entityRef: z.string(),
              owner: z
                .string()
                .optional()
                .describe('Owner of the component (a group or user ref)'),
              system: z.string().optional(),
              title: z.string().optional(),
              ...packageFields(z),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const result = await packageUsages(
        services,
        { package: input.package, range: input.range },
        credentials,
      );
      const limit = input.limit ?? 200;
      return {
        output: {
          ...result,
          truncated: result.items.length > limit,
          items: result.items.slice(0, limit),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-entity-packages',
    title: 'Packages of an entity',
    description:
      'Lists the packages (dependencies) of a catalog component or resource, read from its SBOMs, with version, ecosystem, licenses and whether each is direct or transitive, and the SBOMs they came from. ' +
      'Use it to see what a service depends on; entityRef is kind:namespace/name, e.g. component:default/payments-api. An empty list means no SBOM was found for it.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    visibilityPermission: inventoryActionsReadPermission,
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .min(1)
            .max(512)
            .describe('The entity, e.g. component:default/payments-api'),
          directOnly: z
            .boolean()
            .optional()
            .describe('Only the direct dependencies (default: all)'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          sboms: z
            .array(
              z.object({
                origin: z
                  .string()
                  .describe(
                    'repository:<sourceId>/<repository>:<file>, or upload',
                  ),
                format: z.string(),
                storedAt: z.string(),
                packages: z.number(),
                problems: z
                  .array(z.string())
                  .optional()
                  .describe("Where the document leaves its format's schema"),
              }),
            )
            .describe('The SBOMs stored for the entity'),
          packages: z.array(z.object(packageFields(z))),
        }),
    },
    action: async ({ input, credentials }) => {
      const deps = await entityDependencies(
        services,
        entityRefParam(input.entityRef),
        credentials,
      );
      return {
        output: {
          entityRef: deps.entityRef,
          sboms: deps.sboms.map(s => ({
            origin: s.origin,
            format: s.format,
            storedAt: s.storedAt,
            packages: s.packages,
            ...(s.problems?.length ? { problems: s.problems } : {}),
          })),
          packages: input.directOnly
            ? deps.packages.filter(p => p.direct)
            : deps.packages,
        },
      };
    },
  });
}
