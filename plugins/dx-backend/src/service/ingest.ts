import {
  normalizeEvent,
  type GithubWebhookOptions,
  type NormalizedEvent,
} from '@internal/plugin-dx-common';
import type { EntityMapper } from '../mapping/EntityMapper';
import type { DxStore, EventToStore } from '../store/DxStore';

/** How old an index may be before a miss looks the subject up again. */
const REMAP_AFTER_MS = 1_000;

/** Events may be at most this far in the future (clock skew). */
export const FUTURE_SKEW_MS = 5 * 60_000;

export interface IngestItem {
  format: 'cdevents' | 'github' | 'generic';
  payload: unknown;
  githubEvent?: string;
  deliveryId?: string;
  /** How GitHub payloads are read (incident labels, default branch only). */
  githubOptions?: GithubWebhookOptions;
}

export interface IngestResult {
  /** Stored now. */
  accepted: number;
  /** Stored before (same key), or twice in this batch: kept once. */
  duplicates: number;
  /** Refused, each with its index in the batch and why. */
  rejected: Array<{ index: number; reason: string }>;
  /** Stored, but no catalog entity matches yet: index and why. */
  unmapped: Array<{ index: number; reason: string }>;
}

/**
 * Normalises, checks, maps and stores a batch. A bad event is refused on
 * its own; the valid ones of the same batch are kept.
 */
export async function ingest(
  items: IngestItem[],
  deps: { store: DxStore; mapper: EntityMapper; now?: Date },
): Promise<IngestResult> {
  const now = (deps.now ?? new Date()).getTime();
  const resolve = await deps.mapper.resolver();
  const result: IngestResult = {
    accepted: 0,
    duplicates: 0,
    rejected: [],
    unmapped: [],
  };
  const toStore: EventToStore[] = [];
  const indexOf = new Map<string, number>();
  items.forEach((item, index) => {
    const normalized = normalizeEvent(item);
    if (!normalized.ok) {
      result.rejected.push({ index, reason: normalized.reason });
      return;
    }
    const event: NormalizedEvent = normalized.event;
    // PostgreSQL text and JSON cannot hold NUL characters.
    if (JSON.stringify(item.payload).includes('\\u0000')) {
      result.rejected.push({
        index,
        reason: 'contains a NUL character (\\u0000), which cannot be stored',
      });
      return;
    }
    if (Date.parse(event.occurredAt) > now + FUTURE_SKEW_MS) {
      result.rejected.push({
        index,
        reason: `occurred at ${event.occurredAt}, in the future`,
      });
      return;
    }
    if (indexOf.has(event.key)) {
      result.duplicates++;
      return;
    }
    indexOf.set(event.key, index);
    const mapping = resolve(event.subject);
    if ('reason' in mapping)
      result.unmapped.push({ index, reason: mapping.reason });
    toStore.push({
      event,
      raw: item.payload,
      ...('entityRef' in mapping
        ? { entityRef: mapping.entityRef }
        : { unmappedReason: mapping.reason }),
    });
  });
  // A miss against an index older than a few seconds is looked up again in
  // a fresh one: the entity may have reached the catalog since.
  if (result.unmapped.length > 0) {
    const fresh = await deps.mapper.resolver({ maxAgeMs: REMAP_AFTER_MS });
    const still = new Set<number>();
    for (const item of toStore) {
      if (!item.unmappedReason) continue;
      const mapping = fresh(item.event.subject);
      if ('entityRef' in mapping) {
        item.entityRef = mapping.entityRef;
        delete item.unmappedReason;
      } else {
        item.unmappedReason = mapping.reason;
        still.add(indexOf.get(item.event.key)!);
      }
    }
    result.unmapped = result.unmapped.filter(u => still.has(u.index));
  }
  const inserted = await deps.store.insertEvents(toStore);
  result.accepted = inserted.size;
  result.duplicates += toStore.length - inserted.size;
  // Unmapped events stored before are not reported again.
  const stored = new Set([...inserted].map(k => indexOf.get(k)));
  result.unmapped = result.unmapped.filter(u => stored.has(u.index));
  return result;
}
