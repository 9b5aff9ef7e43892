import type { Entity } from '@backstage/catalog-model';
import {
  defaultCatalogCollatorEntityTransformer,
  type CatalogCollatorEntityTransformer,
} from '@backstage/plugin-search-backend-module-catalog';

/**
 * The stock transformer indexes the title (or the name when there is no
 * title) and the description. People search by what they know: the entity's
 * name even when it has a title, and its tags. This keeps the stock document
 * and adds the name and tags to its text.
 */
export const catalogEntityText: CatalogCollatorEntityTransformer = (
  entity: Entity,
) => {
  const document = defaultCatalogCollatorEntityTransformer(entity);
  const extra: string[] = [];
  if (entity.metadata.title && entity.metadata.title !== entity.metadata.name) {
    extra.push(entity.metadata.name);
  }
  const tags = (entity.metadata.tags ?? []).filter(
    (tag): tag is string => typeof tag === 'string' && tag.length > 0,
  );
  if (tags.length > 0) {
    extra.push(tags.join(' '));
  }
  return {
    ...document,
    text: [document.text, ...extra].filter(Boolean).join(' : '),
  };
};
