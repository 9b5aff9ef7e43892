import { z } from 'zod';
import type { UpgradeNote } from './types';

/** The file beside a template's template.yaml with its upgrade notes. */
export const UPGRADE_NOTES_FILE = 'upgrades.yaml';

const notesSchema = z.array(
  z
    .object({
      version: z.union([z.string().min(1), z.number()]).transform(String),
      summary: z.string().min(1).max(2000),
      needsPerson: z.boolean().default(false),
      details: z.string().max(20000).optional(),
    })
    .strict(),
);

/**
 * Reads a template's upgrade notes (the parsed `upgrades.yaml`): a list of
 * `{ version, summary, needsPerson, details }`, one per version that
 * changed something, saying what changed and whether an upgrade to it
 * needs a person. Problems name their place (`1.summary: ...`).
 */
export function validateUpgradeNotes(
  doc: unknown,
):
  | { notes: UpgradeNote[]; problems: [] }
  | { notes?: undefined; problems: string[] } {
  const result = notesSchema.safeParse(doc ?? []);
  if (result.success) {
    const seen = new Set<string>();
    const duplicates = result.data
      .map(n => n.version)
      .filter(v => (seen.has(v) ? true : (seen.add(v), false)));
    if (duplicates.length)
      return {
        problems: duplicates.map(v => `version ${v} has more than one note`),
      };
    return { notes: result.data, problems: [] };
  }
  return {
    problems: result.error.issues.map(
      i => `${i.path.join('.') || '(the file)'}: ${i.message}`,
    ),
  };
}
