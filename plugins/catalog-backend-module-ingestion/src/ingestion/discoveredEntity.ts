import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import stableStringify from 'fast-json-stable-stringify';
import { createHash } from 'node:crypto';
import { ANNOTATION_INGESTION_REPOSITORY } from '@internal/plugin-catalog-ingestion-common';
import type { DiscoveredEntity } from './types';

/**
 * A validated entity as the provider hands it to the catalog: annotated
 * with where it came from, keyed by its lower-case ref, and hashed so an
 * unchanged entity is never sent again.
 */
export function toDiscoveredEntity(
  entity: Entity,
  origin: {
    file: string;
    line: number;
    location: string;
    repositoryKey: string;
  },
): DiscoveredEntity {
  const annotated: Entity = {
    ...entity,
    metadata: {
      ...entity.metadata,
      annotations: {
        ...entity.metadata.annotations,
        [ANNOTATION_LOCATION]: origin.location,
        [ANNOTATION_ORIGIN_LOCATION]: origin.location,
        [ANNOTATION_INGESTION_REPOSITORY]: origin.repositoryKey,
      },
    },
  };
  return {
    entity: annotated,
    ref: stringifyEntityRef(annotated).toLocaleLowerCase('en-US'),
    file: origin.file,
    line: origin.line,
    hash: createHash('sha256').update(stableStringify(annotated)).digest('hex'),
  };
}
