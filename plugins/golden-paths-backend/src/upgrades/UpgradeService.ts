import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EventParams } from '@backstage/plugin-events-node';
import {
  ANNOTATION_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  type UpgradeNote,
  type UpgradeProposal,
} from '@internal/plugin-golden-paths-common';
import { isOlder } from '../templates/templateVersions';
import { applyTemplateChange } from './git/applyTemplateChange';
import { changeRequestState, openChangeRequest } from './git/changeRequests';
import type { AppliedChange } from './git/types';
import { describeTarget, type RepositoryTargets } from './repositoryTarget';
import {
  readTemplateFolder,
  readUpgradeNotes,
  renderTemplate,
  templateVersionOf,
  withNewDefaults,
} from './templateFiles';
import { WAITING, type UpgradeStore } from './UpgradeStore';

export { isOlder };

/** Every upgrade proposal's branch starts so. */
export const UPGRADE_BRANCH_PREFIX = 'portal/upgrade-';

/**
 * The topics of the stock events modules
 * (`@backstage/plugin-events-backend-module-github` / `-gitlab`, which
 * receive and verify the hosts' webhooks) on which pull and merge requests
 * change.
 */
export const CHANGE_REQUEST_TOPICS = [
  'github.pull_request',
  'gitlab.merge_request',
];

/**
 * The upgrade branch of a pull or merge request that was just merged or
 * closed, as its webhook names it; undefined for any other event.
 */
export function closedUpgradeBranch(event: EventParams): string | undefined {
  const payload = (event.eventPayload ?? {}) as Record<string, any>;
  let branch: unknown;
  if (event.topic === 'github.pull_request' && payload.action === 'closed')
    branch = payload.pull_request?.head?.ref;
  if (
    event.topic === 'gitlab.merge_request' &&
    ['merge', 'close'].includes(payload.object_attributes?.action)
  )
    branch = payload.object_attributes?.source_branch;
  return typeof branch === 'string' && branch.startsWith(UPGRADE_BRANCH_PREFIX)
    ? branch
    : undefined;
}

/** Notes of the versions after `from` up to `to`, oldest first. */
export function notesBetween(
  notes: UpgradeNote[],
  from: string,
  to: string,
): UpgradeNote[] {
  return notes
    .filter(n => isOlder(from, n.version) && !isOlder(to, n.version))
    .sort((a, b) => (isOlder(a.version, b.version) ? -1 : 1));
}

function normalizeTemplateRef(value: string): string {
  return stringifyEntityRef(
    parseEntityRef(value, {
      defaultKind: 'template',
      defaultNamespace: 'default',
    }),
  );
}

/** The description of the change request, in Markdown. */
export function changeRequestBody(p: {
  entityRef: string;
  templateRef: string;
  from: string;
  to: string;
  notes: UpgradeNote[];
  applied: AppliedChange;
  requestedBy: string;
}): string {
  const lines = [
    `This brings \`${p.entityRef}\` from version ${p.from} to ${p.to} of the golden path \`${p.templateRef}\`.`,
    '',
    'It carries only what the template changed between the two versions, rendered with the values the service was created with, merged with the repository as it is now: your own changes stay.',
    '',
  ];
  if (p.notes.some(n => n.needsPerson))
    lines.push(
      '> **This upgrade needs a person**: read the notes below before merging.',
      '',
    );
  if (p.notes.length) {
    lines.push('## What changed', '');
    for (const n of p.notes) {
      lines.push(
        `### ${n.version}${n.needsPerson ? ' (needs a person)' : ''}`,
        '',
        n.summary,
        '',
      );
      if (n.details) lines.push(n.details.trim(), '');
    }
  }
  lines.push('## Files', '');
  for (const c of p.applied.changed) lines.push(`- ${c.change}: \`${c.path}\``);
  if (p.applied.conflicts.length) {
    lines.push(
      '',
      '## Conflicts, left for you',
      '',
      "These files changed both in the template and in this repository in ways that overlap. They are left as this repository has them; apply the template's change below by hand where it still applies.",
      '',
    );
    for (const c of p.applied.conflicts)
      lines.push(
        `### \`${c.path}\``,
        '',
        c.reason,
        '',
        '```diff',
        c.templateDiff.trimEnd(),
        '```',
        '',
      );
  }
  lines.push('', `Proposed by the portal for ${p.requestedBy}.`);
  return lines.join('\n');
}

/**
 * Template upgrade proposals. A service made from version N of a template
 * when version M > N exists: render N and M with the values the service was
 * created with (the portal keeps each template version a run used, and the
 * run's parameters), apply the difference to the service's repository as a
 * three-way merge against its head on a new branch, and open a change
 * request (pull request, merge request, or a branch of a local
 * repository). Nothing is pushed to a default branch.
 */
export class UpgradeService {
  constructor(
    private readonly options: {
      store: UpgradeStore;
      catalog: CatalogService;
      auth: AuthService;
      discovery: DiscoveryService;
      urlReader: UrlReaderService;
      targets: RepositoryTargets;
      logger: LoggerService;
      author?: { name: string; email: string };
    },
  ) {}

  /**
   * Keeps a copy of a template's current version (its entity and folder),
   * once per version: called when a run of it goes past its policy step,
   * and before proposing an upgrade to it.
   */
  async keepTemplate(template: Entity): Promise<void> {
    const version = templateVersionOf(template);
    if (!version) return;
    const templateRef = stringifyEntityRef(template);
    const files = await readTemplateFolder(template, this.options.urlReader);
    const { differs } = await this.options.store.keepSnapshot({
      templateRef,
      version,
      entity: template as unknown as Record<string, any>,
      files,
    });
    if (differs)
      this.options.logger.warn(
        `Template ${templateRef} changed without a new ${ANNOTATION_TEMPLATE_VERSION}: the copy of version ${version} first seen is kept; raise the version so services can be upgraded to the change`,
      );
  }

  /** Keeps a template's current version by its ref (errors are logged). */
  async keepTemplateByRef(templateRef: string): Promise<void> {
    try {
      const credentials = await this.options.auth.getOwnServiceCredentials();
      const template = await this.options.catalog.getEntityByRef(templateRef, {
        credentials,
      });
      if (template) await this.keepTemplate(template);
    } catch (e) {
      this.options.logger.warn(
        `Could not keep a copy of ${templateRef}: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Proposes the upgrade of one service to the newest version of its
   * template. A proposal that already waits for that version is returned
   * as it is. What cannot be proposed comes back as a `failed` proposal
   * with the reason.
   */
  async propose(
    entityRef: string,
    credentials: BackstageCredentials,
    requestedBy: string,
  ): Promise<UpgradeProposal> {
    const { store, catalog } = this.options;
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
    const ref = stringifyEntityRef(entity);
    const annotations = entity.metadata.annotations ?? {};
    if (!annotations[ANNOTATION_TEMPLATE])
      throw new InputError(
        `${ref} was not made from a golden path (no ${ANNOTATION_TEMPLATE} annotation)`,
      );
    const templateRef = normalizeTemplateRef(annotations[ANNOTATION_TEMPLATE]);
    const from = annotations[ANNOTATION_TEMPLATE_VERSION] ?? 'unknown';
    const template = await catalog.getEntityByRef(templateRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    if (!template)
      throw new NotFoundError(
        `template ${templateRef} of ${ref} is no longer in the catalog`,
      );
    const to = templateVersionOf(template);
    if (!to)
      throw new InputError(
        `template ${templateRef} has no ${ANNOTATION_TEMPLATE_VERSION} annotation`,
      );
    if (!isOlder(from, to))
      throw new InputError(
        `${ref} is already at version ${from} of ${templateRef}`,
      );
    const waiting = await store.waitingProposal(ref, to);
    if (waiting) return waiting;
    const base = {
      entityRef: ref,
      templateRef,
      fromVersion: from,
      toVersion: to,
      requestedBy,
      changed: [],
      conflicts: [],
      notes: [] as UpgradeNote[],
      needsPerson: false,
    };
    try {
      await this.keepTemplate(template);
      const [older, newer] = await Promise.all([
        store.snapshot(templateRef, from),
        store.snapshot(templateRef, to),
      ]);
      if (!older)
        throw new InputError(
          `the portal has no copy of version ${from} of ${templateRef} (it keeps each version a run used, from the first run after upgrades were installed): upgrade ${ref} by hand this once`,
        );
      if (!newer)
        throw new InputError(`no copy of version ${to} of ${templateRef}`);
      const run = await store.runParametersFor(
        templateRef,
        entity.metadata.name,
        from,
      );
      if (!run)
        throw new InputError(
          `the portal has no record of the values ${ref} was created with: upgrade it by hand this once`,
        );
      const notes = notesBetween(readUpgradeNotes(newer.files), from, to);
      const target = await this.options.targets.of(entity);
      const services = this.options;
      const [oldFiles, newFiles] = await Promise.all([
        renderTemplate(services, older, run.parameters),
        renderTemplate(
          services,
          newer,
          withNewDefaults(newer.entity, older.entity, run.parameters),
        ),
      ]);
      const templateName = parseEntityRef(templateRef).name;
      const branch = `${UPGRADE_BRANCH_PREFIX}${templateName}-${to}`.replace(
        /[^A-Za-z0-9._/-]/g,
        '-',
      );
      const applied = await applyTemplateChange({
        target,
        base: oldFiles,
        theirs: newFiles,
        branch,
        message: `Upgrade to ${templateName} ${to} (from ${from})\n\nProposed by the portal for ${requestedBy}: the changes of the golden path ${templateRef} between ${from} and ${to}.`,
        author: this.options.author ?? {
          name: 'Developer portal',
          email: 'portal@localhost',
        },
      });
      const described = {
        ...base,
        notes,
        needsPerson: notes.some(n => n.needsPerson),
        host: target.kind,
        repository: describeTarget(target),
        changed: applied.changed,
        conflicts: applied.conflicts.map(c => ({
          path: c.path,
          reason: c.reason,
        })),
      };
      if (applied.status === 'up-to-date')
        return await store.insertProposal({
          ...described,
          state: 'up-to-date',
        });
      const request = await openChangeRequest({
        target,
        branch,
        baseBranch: applied.defaultBranch,
        title: `Upgrade to ${templateName} ${to} (from ${from})`,
        body: changeRequestBody({
          entityRef: ref,
          templateRef,
          from,
          to,
          notes,
          applied,
          requestedBy,
        }),
      });
      return await store.insertProposal({
        ...described,
        branch,
        baseBranch: applied.defaultBranch,
        url: request.url,
        number: request.number,
        state: applied.conflicts.length ? 'conflicts' : 'open',
      });
    } catch (e) {
      const error = (e as Error).message;
      this.options.logger.warn(`Upgrade of ${ref} to ${to} failed: ${error}`);
      return store.insertProposal({ ...base, state: 'failed', error });
    }
  }

  /**
   * A pull or merge request of an upgrade was merged or closed (the host's
   * webhook, through the events service): its proposal's state is asked of
   * the host now, not at the next poll.
   */
  async onChangeRequestEvent(event: EventParams): Promise<void> {
    const branch = closedUpgradeBranch(event);
    if (branch) await this.refreshStates({ branch });
  }

  /**
   * Asks the hosts where the waiting proposals stand (merged, closed);
   * the scheduler runs it, a refresh from the page, and a host's webhook
   * for its `branch`.
   */
  async refreshStates(
    filter: { branch?: string } = {},
  ): Promise<{ checked: number; changed: number }> {
    const { store, catalog, auth, targets, logger } = this.options;
    const waiting = await store.listProposals({
      states: WAITING,
      branch: filter.branch,
      limit: 1000,
    });
    const credentials = await auth.getOwnServiceCredentials();
    let changed = 0;
    for (const p of waiting) {
      if (!p.branch || !p.baseBranch) continue;
      try {
        const entity = await catalog.getEntityByRef(p.entityRef, {
          credentials,
        });
        if (!entity) continue;
        const target = await targets.of(entity);
        const state = await changeRequestState({
          target,
          branch: p.branch,
          baseBranch: p.baseBranch,
          number: p.number,
        });
        if (state !== 'open') {
          await store.updateState(p.id, state);
          changed += 1;
        }
      } catch (e) {
        logger.warn(
          `Could not read the state of upgrade ${p.id} (${p.url}): ${
            (e as Error).message
          }`,
        );
      }
    }
    return { checked: waiting.length, changed };
  }
}
