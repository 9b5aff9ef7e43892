/**
 * Helpers for tests of repository file readers.
 *
 * @packageDocumentation
 */
import type { DiscoveredEntity, RepositoryContent, TreeEntry } from './types';

/** An entity as discovered in `file`, with a hash of its name. */
export function discoveredEntity(
  kind: string,
  name: string,
  file: string,
  annotations?: Record<string, string>,
): DiscoveredEntity {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind,
      metadata: { name, ...(annotations ? { annotations } : {}) },
    },
    ref: `${kind.toLocaleLowerCase('en-US')}:default/${name}`,
    file,
    line: 1,
    hash: name,
  };
}

/** Repository content held in memory: path -> text (or bytes), and modes. */
export function repositoryContentOf(
  files: Record<string, string | Buffer>,
  modes: Record<string, string> = {},
): RepositoryContent {
  const entries: TreeEntry[] = Object.entries(files).map(([p, data]) => ({
    path: p,
    mode: modes[p] ?? '100644',
    oid: `oid:${p}`,
    size: Buffer.byteLength(data),
  }));
  return {
    files: entries,
    read: async oids =>
      new Map(
        oids.map(oid => {
          const data = files[oid.slice(4)];
          return [oid, Buffer.isBuffer(data) ? data : Buffer.from(data)];
        }),
      ),
  };
}
