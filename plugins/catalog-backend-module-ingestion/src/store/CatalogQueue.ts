import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/**
 * Puts pushed changes at the front of the catalog's processing queue.
 *
 * The catalog processes `refresh_state` rows in `next_update_at` order, so
 * an entity a provider has just written (due "now") waits behind every
 * overdue row of a busy catalog: tens of seconds with 20,000 entities on
 * the stock re-processing interval. A change someone pushed, or a component
 * a golden path just created, is what a person is waiting for; giving its
 * rows the oldest due time lets the next poll take them first. This module
 * runs inside the catalog plugin, on its database; if the catalog's schema
 * ever changes, the change still lands, just in queue order.
 */
export class CatalogQueue {
  private warned = false;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
  ) {}

  async prioritize(entityRefs: string[]): Promise<void> {
    if (entityRefs.length === 0) return;
    try {
      await this.knex('refresh_state')
        .whereIn(
          'entity_ref',
          entityRefs.map(ref => ref.toLocaleLowerCase('en-US')),
        )
        .update({ next_update_at: new Date(0) });
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        this.logger.warn(
          `Pushed changes are processed in queue order: could not move them to the front (${error})`,
        );
      }
    }
  }
}
