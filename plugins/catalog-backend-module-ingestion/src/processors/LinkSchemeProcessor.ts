import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';

/**
 * Schemes a link in the catalog may use. Anything else (`javascript:`,
 * `vbscript:`, `data:`, `file:`) could run script or read local files when
 * someone clicks it on an entity page.
 */
export const ALLOWED_LINK_SCHEMES = ['http:', 'https:', 'mailto:'];

/** Control characters and spaces browsers strip before reading a scheme. */
// eslint-disable-next-line no-control-regex
const STRIPPED = /[\u0000-\u0020]/g;

/** Why a link URL is refused, or undefined when it is fine. */
export function linkProblem(url: unknown): string | undefined {
  if (typeof url !== 'string') return 'is not a string';
  let parsed: URL;
  try {
    parsed = new URL(url.replace(STRIPPED, ''));
  } catch {
    return `${JSON.stringify(url.slice(0, 100))} is not an absolute URL`;
  }
  if (!ALLOWED_LINK_SCHEMES.includes(parsed.protocol))
    return `${JSON.stringify(url.slice(0, 100))} uses ${
      parsed.protocol
    }, which is not allowed (use ${ALLOWED_LINK_SCHEMES.join(', ')})`;
  return undefined;
}

/**
 * Refuses entities whose `metadata.links` point anywhere but the web or an
 * e-mail address, whatever their source (repositories, files, templates).
 * The catalog reports the refusal on the entity's location and keeps its
 * last good version.
 */
export class LinkSchemeProcessor implements CatalogProcessor {
  getProcessorName(): string {
    return 'PortalLinkSchemeProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    const links = entity.metadata.links;
    if (!Array.isArray(links)) return entity;
    const problems = links.flatMap((link, i) => {
      const problem = linkProblem((link as { url?: unknown })?.url);
      return problem ? [`metadata.links[${i}].url ${problem}`] : [];
    });
    if (problems.length > 0)
      throw new InputError(
        `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
          entity.metadata.name
        }: ${problems.join('; ')}`,
      );
    return entity;
  }
}
