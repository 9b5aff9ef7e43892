import { Link } from '@backstage/core-components';
import type {
  UpgradeProposal,
  UpgradeState,
} from '@internal/plugin-golden-paths-common';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

const plural = (n: number, one: string, many: string) =>
  n === 1 ? `1 ${one}` : `${n} ${many}`;

/** The state of a proposal in words: `open`, `conflicts (2 files)`, … */
export function upgradeStateLabel(proposal: UpgradeProposal): string {
  const labels: Record<UpgradeState, string> = {
    open: 'open',
    conflicts: `conflicts (${plural(
      proposal.conflicts.length,
      'file',
      'files',
    )})`,
    merged: 'merged',
    closed: 'closed',
    'up-to-date': 'up to date',
    failed: 'failed',
  };
  return labels[proposal.state] ?? proposal.state;
}

/** Whether a proposal waits for review (with or without conflicts). */
export const isWaiting = (proposal: UpgradeProposal) =>
  proposal.state === 'open' || proposal.state === 'conflicts';

/**
 * The proposal of an entity to a version: the newest one (by creation)
 * whose entity (case-insensitive) and target version match, or undefined.
 */
export function proposalFor(
  proposals: UpgradeProposal[],
  entityRef: string,
  toVersion: string,
): UpgradeProposal | undefined {
  const ref = entityRef.toLocaleLowerCase('en-US');
  let found: UpgradeProposal | undefined;
  for (const p of proposals) {
    if (p.entityRef.toLocaleLowerCase('en-US') !== ref) continue;
    if (p.toVersion !== toVersion) continue;
    if (!found || p.createdAt > found.createdAt) found = p;
  }
  return found;
}

/**
 * Proposals of a list merged with those just returned by a proposal call
 * (the list may not have them yet); the listed copy of an id wins.
 */
export function mergeProposals(
  listed: UpgradeProposal[],
  recent: UpgradeProposal[],
): UpgradeProposal[] {
  const ids = new Set(listed.map(p => p.id));
  return [...listed, ...recent.filter(p => !ids.has(p.id))];
}

/** The branch of a local proposal (`git:<repository>#<branch>`). */
export function localBranch(proposal: UpgradeProposal): string | undefined {
  const url = proposal.url;
  if (url?.startsWith('git:')) {
    const hash = url.lastIndexOf('#');
    if (hash >= 0 && hash < url.length - 1) return url.slice(hash + 1);
  }
  return proposal.branch;
}

const useStyles = makeStyles(theme => ({
  merged: {
    backgroundColor: theme.palette.success?.main ?? '#2e7d32',
    color: theme.palette.common.white,
  },
  failed: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.common.white,
  },
  conflicts: {
    backgroundColor: theme.palette.warning?.main ?? '#ed6c02',
    color: theme.palette.common.black,
  },
  open: {
    backgroundColor: theme.palette.info?.main ?? '#0288d1',
    color: theme.palette.common.white,
  },
}));

/** A chip with the state of an upgrade proposal; a failure's error as tooltip. */
export function UpgradeStateChip(props: { proposal: UpgradeProposal }) {
  const classes = useStyles();
  const { proposal } = props;
  const classNames: Partial<Record<UpgradeState, string>> = {
    open: classes.open,
    conflicts: classes.conflicts,
    merged: classes.merged,
    failed: classes.failed,
  };
  const className = classNames[proposal.state];
  const chip = (
    <Chip
      size="small"
      label={upgradeStateLabel(proposal)}
      className={className}
      variant={className ? 'default' : 'outlined'}
    />
  );
  if (proposal.state === 'failed' && proposal.error) {
    return <Tooltip title={proposal.error}>{chip}</Tooltip>;
  }
  return chip;
}

/**
 * Where the change waits: a link to the pull or merge request, or for a
 * local repository the name of its branch (as text: browsers do not open
 * `git:` addresses). Nothing when the proposal has neither.
 */
export function ChangeRequestLink(props: { proposal: UpgradeProposal }) {
  const { proposal } = props;
  const url = proposal.url;
  if (url && /^https?:\/\//i.test(url)) {
    let label = 'change request';
    if (proposal.host === 'github')
      label = proposal.number
        ? `pull request #${proposal.number}`
        : 'pull request';
    else if (proposal.host === 'gitlab')
      label = proposal.number
        ? `merge request !${proposal.number}`
        : 'merge request';
    return <Link to={url}>{label}</Link>;
  }
  const branch = localBranch(proposal);
  if (!branch) return null;
  return (
    <span
      title={proposal.repository ? `${proposal.repository}#${branch}` : branch}
    >
      branch <code>{branch}</code>
    </span>
  );
}
