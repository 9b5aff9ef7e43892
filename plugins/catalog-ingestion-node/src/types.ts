import type { Entity } from '@backstage/catalog-model';

/** A file of a repository's head commit, as git lists it. */
export interface TreeEntry {
  path: string;
  /** Git file mode: 100644 file, 100755 executable, 120000 symlink, 160000 submodule. */
  mode: string;
  oid: string;
  size: number;
}

/** The files of a repository's head commit and a way to read them. */
export interface RepositoryContent {
  files: TreeEntry[];
  /** Blobs by object id; an id that cannot be read is missing from the map. */
  read(oids: string[]): Promise<Map<string, Buffer>>;
}

/** An entity read from a descriptor, ready for the catalog. */
export interface DiscoveredEntity {
  entity: Entity;
  /** Lower-case entity ref, the key the catalog compares by. */
  ref: string;
  file: string;
  line: number;
  hash: string;
}

/** A repository of an ingestion source. */
export interface RepositoryKey {
  sourceId: string;
  repository: string;
}
