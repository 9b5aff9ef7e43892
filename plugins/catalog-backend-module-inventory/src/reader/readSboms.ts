import {
  describeDir,
  nearestEntity,
  resolveInRepository,
  type DiscoveredEntity,
  type RepositoryContent,
  type RepositoryFileProblem,
  type RepositoryFileReader,
  type TreeEntry,
} from '@internal/plugin-catalog-ingestion-node';
import { Minimatch } from 'minimatch';
import {
  readInventoryDocument,
  type InventoryDocument,
} from '../sbom/readDocument';
import type { DatabaseSbomStore } from '../store/DatabaseSbomStore';
import type { DatabaseVexStore } from '../store/DatabaseVexStore';

/** Annotation naming a component's SBOM file, relative to its descriptor. */
export const ANNOTATION_SBOM = 'portal.dev/sbom';

/** Kinds an SBOM can belong to (lower case). */
export const SBOM_KINDS = ['component', 'resource'];

export const DEFAULT_SBOM_GLOBS = [
  '**/bom.json',
  '**/sbom.json',
  '**/vex.json',
  '**/*.cdx.json',
  '**/*.spdx.json',
  '**/*.vex.json',
];

export interface RepositorySboms {
  sboms: Array<{
    entityRef: string;
    file: string;
    document: InventoryDocument;
  }>;
  problems: RepositoryFileProblem[];
}

/** How many of a document's problems the ingestion page lists in its line. */
const PROBLEMS_IN_LINE = 3;

/** One line for the ingestion page about a document stored with problems. */
export function problemsLine(problems: string[], vexOnly = false): string {
  const first = problems.slice(0, PROBLEMS_IN_LINE).join('; ');
  const more =
    problems.length > PROBLEMS_IN_LINE
      ? ` (and ${
          problems.length - PROBLEMS_IN_LINE
        } more, listed on the component's Dependencies tab)`
      : '';
  return `${vexOnly ? 'VEX document' : 'SBOM'} stored with ${
    problems.length
  } schema problem${problems.length === 1 ? '' : 's'}: ${first}${more}`;
}

/**
 * Reads the SBOMs of a repository, each attached to one component or
 * resource: those named by the `portal.dev/sbom` annotation, then those
 * matching the globs. Every refused file is one problem.
 */
export async function readSboms(
  content: RepositoryContent,
  entities: DiscoveredEntity[],
  options: { sbomGlobs: string[]; maxFileBytes: number },
): Promise<RepositorySboms> {
  const result: RepositorySboms = { sboms: [], problems: [] };
  const byPath = new Map(content.files.map(f => [f.path, f]));
  const usable = (f: TreeEntry): boolean =>
    f.mode !== '120000' &&
    f.mode !== '160000' &&
    f.size <= options.maxFileBytes;
  // What an SBOM describes: software (Components) and infrastructure
  // (Resources, e.g. the Terraform providers of a database).
  const components = entities.filter(e =>
    SBOM_KINDS.includes(e.entity.kind.toLocaleLowerCase('en-US')),
  );

  // SBOMs: named by annotation, else found by glob next to a descriptor.
  const wanted = new Map<string, DiscoveredEntity | undefined>();
  for (const c of components) {
    const target = c.entity.metadata.annotations?.[ANNOTATION_SBOM];
    if (!target) continue;
    const resolved = resolveInRepository(c.file, target);
    if (resolved === undefined || !byPath.has(resolved)) {
      result.problems.push({
        file: c.file,
        entityRef: c.ref,
        message: `${ANNOTATION_SBOM} "${target}": no such file in the repository`,
      });
      continue;
    }
    wanted.set(resolved, c);
  }
  const globs = options.sbomGlobs.map(g => new Minimatch(g, { dot: false }));
  for (const f of content.files) {
    if (wanted.has(f.path) || f.path.split('/').includes('node_modules'))
      continue;
    if (globs.some(g => g.match(f.path))) wanted.set(f.path, undefined);
  }

  const toRead: TreeEntry[] = [];
  for (const p of wanted.keys()) {
    const f: TreeEntry = byPath.get(p)!;
    if (usable(f)) {
      toRead.push(f);
      continue;
    }
    const why =
      f.mode === '120000'
        ? 'symbolic link'
        : `over ${options.maxFileBytes} bytes`;
    result.problems.push({ file: p, message: `SBOM not read: ${why}` });
  }
  const blobs = await content.read(toRead.map(f => f.oid));

  for (const file of toRead) {
    let document: InventoryDocument;
    let rootName: unknown;
    try {
      const json = JSON.parse(blobs.get(file.oid)?.toString('utf8') ?? '');
      document = await readInventoryDocument(json);
      rootName = document.sbom?.rootName ?? json?.metadata?.component?.name;
    } catch (error) {
      result.problems.push({
        file: file.path,
        message: `SBOM refused: ${(error as Error).message}`,
      });
      continue;
    }
    const owner =
      wanted.get(file.path) ??
      componentFor(
        file.path,
        typeof rootName === 'string' ? rootName : undefined,
        components,
      );
    if (typeof owner === 'string') {
      result.problems.push({ file: file.path, message: owner });
      continue;
    }
    if (document.problems.length > 0)
      result.problems.push({
        file: file.path,
        entityRef: owner.ref,
        message: problemsLine(document.problems, !document.sbom),
      });
    result.sboms.push({ entityRef: owner.ref, file: file.path, document });
  }
  return result;
}

/**
 * The component (or resource) an SBOM belongs to: among the components described in the
 * nearest directory (at or above the SBOM) that has any, the only one, or
 * the one named like the SBOM's root. Otherwise a message saying why not.
 */
function componentFor(
  file: string,
  rootName: string | undefined,
  components: DiscoveredEntity[],
): DiscoveredEntity | string {
  const nearest = nearestEntity(file, components);
  if ('entity' in nearest) return nearest.entity;
  if ('ambiguous' in nearest) {
    const named = nearest.ambiguous.find(
      c => c.entity.metadata.name === rootName,
    );
    return (
      named ??
      `SBOM matches ${nearest.ambiguous.length} components in ${describeDir(
        nearest.dir,
      )}; name one with the ${ANNOTATION_SBOM} annotation`
    );
  }
  return 'SBOM found but no component or resource is described in its directory or above';
}

/**
 * The SBOMs of every repository ingestion reads, into the inventory: each
 * stored with the origin `repository:<source>/<repo>:<file>`, and those of
 * the repository no longer found pruned. `globs` are the `sbomGlobs` of
 * each source by id.
 */
export function sbomReader(options: {
  store: DatabaseSbomStore;
  vex: DatabaseVexStore;
  globs: ReadonlyMap<string, string[]>;
}): RepositoryFileReader {
  const { store, vex, globs } = options;
  return {
    name: 'sbom',
    async read({ sourceId, repository, content, entities, maxFileBytes }) {
      const { sboms, problems } = await readSboms(content, entities, {
        sbomGlobs: globs.get(sourceId) ?? DEFAULT_SBOM_GLOBS,
        maxFileBytes,
      });
      const commit = async () => {
        const sbomOrigins: string[] = [];
        const vexOrigins: string[] = [];
        for (const { entityRef, file, document } of sboms) {
          const origin = `repository:${sourceId}/${repository}:${file}`;
          // Statements first: the packages' change re-matches the component.
          if (document.vex.statements.length > 0) {
            vexOrigins.push(origin);
            await vex.replaceStatements({
              entityRef,
              origin,
              statements: document.vex.statements,
              sourceId,
              repository,
            });
          }
          if (!document.sbom) continue;
          sbomOrigins.push(origin);
          await store.replaceSbom({
            entityRef,
            origin,
            format: document.sbom.format,
            packages: document.sbom.packages,
            problems: document.problems,
            sourceId,
            repository,
          });
        }
        await vex.pruneRepository(sourceId, repository, vexOrigins);
        await store.pruneRepositorySboms(sourceId, repository, sbomOrigins);
      };
      return { problems, commit };
    },
    removeRepository: async ({ sourceId, repository }) => {
      await vex.pruneRepository(sourceId, repository, []);
      await store.pruneRepositorySboms(sourceId, repository, []);
    },
  };
}
