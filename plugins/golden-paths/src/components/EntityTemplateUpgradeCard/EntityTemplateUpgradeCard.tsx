import { useState } from 'react';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_TEMPLATE,
  ANNOTATION_TEMPLATE_VERSION,
  type TemplateVersionSummary,
  type UpgradeProposal,
} from '@internal/plugin-golden-paths-common';
import { ErrorInWords } from '@internal/portal-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { goldenPathsApiRef } from '../../api';
import {
  ChangeRequestLink,
  mergeProposals,
  proposalFor,
  UpgradeStateChip,
} from '../TemplatesTab/UpgradeState';
import { compareVersions, versionCount, versionsBehind } from './versions';

/** The template ref of an annotation value (`typescript-service` or a full ref). */
function templateRefOf(value: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), {
        defaultKind: 'template',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** The summary of a template, its ref matched case-insensitively. */
function summaryOf(
  summaries: TemplateVersionSummary[],
  templateRef: string,
): TemplateVersionSummary | undefined {
  const ref = templateRef.toLocaleLowerCase('en-US');
  return summaries.find(s => s.templateRef.toLocaleLowerCase('en-US') === ref);
}

/** What the upgrade notes on the way say; those that need a person first. */
function Notes(props: { proposal: UpgradeProposal }) {
  const { notes } = props.proposal;
  const needPerson = notes.filter(n => n.needsPerson);
  const others = notes.filter(n => !n.needsPerson);
  return (
    <>
      {needPerson.length > 0 && (
        <Box mt={1}>
          <WarningPanel
            severity="warning"
            title="This upgrade needs a person"
            defaultExpanded
          >
            <Box component="ul" pl={2} my={0}>
              {needPerson.map(n => (
                <Typography component="li" variant="body2" key={n.version}>
                  <strong>{n.version}</strong>: {n.summary}
                </Typography>
              ))}
            </Box>
          </WarningPanel>
        </Box>
      )}
      {others.length > 0 && (
        <Box component="ul" pl={2} mt={1} mb={0}>
          {others.map(n => (
            <Typography component="li" variant="body2" key={n.version}>
              <strong>{n.version}</strong>: {n.summary}
            </Typography>
          ))}
        </Box>
      )}
    </>
  );
}

/** Where the proposal to the latest version stands, with its change. */
function ProposalState(props: { proposal: UpgradeProposal }) {
  const { proposal } = props;
  const state = (
    <Box component="span" ml={1}>
      <UpgradeStateChip proposal={proposal} />
    </Box>
  );
  switch (proposal.state) {
    case 'open':
    case 'conflicts':
      return (
        <>
          <Typography variant="body2" component="div">
            Here is the change: <ChangeRequestLink proposal={proposal} />
            {state}
          </Typography>
          {proposal.state === 'conflicts' && (
            <Typography variant="body2" component="div">
              Files left for people:{' '}
              {proposal.conflicts.map(c => c.path).join(', ')}
            </Typography>
          )}
          <Notes proposal={proposal} />
        </>
      );
    case 'merged':
      return (
        <Typography variant="body2" component="div">
          The change was merged: <ChangeRequestLink proposal={proposal} />
          {state}. The catalog shows version {proposal.toVersion} once it reads
          the service again.
        </Typography>
      );
    case 'up-to-date':
      return (
        <Typography variant="body2" component="div">
          The service already has the files of version {proposal.toVersion}:
          nothing to change{state}.
        </Typography>
      );
    case 'closed':
      return (
        <Typography variant="body2" component="div">
          The last proposal (<ChangeRequestLink proposal={proposal} />) was
          closed without merging{state}.
        </Typography>
      );
    case 'failed':
    default:
      return (
        <Typography variant="body2" component="div">
          The last proposal could not be made
          {proposal.error ? `: ${proposal.error}` : ''}
          {state}
        </Typography>
      );
  }
}

function UpgradeCardContent(props: {
  entity: Entity;
  templateRef: string;
  version?: string;
}) {
  const { entity, templateRef, version } = props;
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(goldenPathsApiRef);
  const [refreshKey, setRefreshKey] = useState(0);
  const [recent, setRecent] = useState<UpgradeProposal[]>([]);
  const [proposing, setProposing] = useState<{
    running: boolean;
    error?: unknown;
  }>({ running: false });

  const versions = useAsync(async () => api.getTemplateVersions(), [api]);
  const summary = versions.value
    ? summaryOf(versions.value, templateRef)
    : undefined;
  const latest = summary?.latestVersion;
  const behind =
    summary && version && latest ? versionsBehind(summary, version) : 0;
  const upToDate =
    Boolean(version && latest) &&
    (latest === version || compareVersions(latest!, version!) === 0);

  const proposals = useAsync(
    async () => (behind > 0 ? api.listUpgrades({ entityRef, limit: 20 }) : []),
    [api, entityRef, behind, refreshKey],
  );
  const proposal =
    latest && behind > 0
      ? proposalFor(
          mergeProposals(proposals.value ?? [], recent),
          entityRef,
          latest,
        )
      : undefined;

  const propose = async () => {
    setProposing({ running: true });
    try {
      const made = await api.proposeUpgrade(entityRef);
      setRecent(prev => [...prev, made]);
      setProposing({ running: false });
    } catch (e) {
      setProposing({ running: false, error: e });
    }
    setRefreshKey(k => k + 1);
  };

  if (versions.loading) return <Progress />;
  if (versions.error) {
    return (
      <ErrorInWords
        error={versions.error}
        what="Template versions could not be loaded"
      />
    );
  }

  const made = (
    <Typography variant="body2" color="textSecondary" component="p">
      Made with{' '}
      {templateRefOf(templateRef) ? (
        <EntityRefLink entityRef={templateRef} defaultKind="template" />
      ) : (
        templateRef
      )}
      {version ? `, version ${version}` : ''}
    </Typography>
  );

  let status: string;
  if (!version) {
    status = `The version it was made with is unknown (no ${ANNOTATION_TEMPLATE_VERSION} annotation).`;
  } else if (!summary) {
    status =
      'The template is not in the catalog, so its newest version is unknown.';
  } else if (!latest) {
    status = `The template has no version (${ANNOTATION_TEMPLATE_VERSION}), so there is nothing to compare with.`;
  } else if (upToDate) {
    status = `Up to date with version ${latest}.`;
  } else if (behind === 0) {
    status = `Version ${version} is newer than the template's latest, ${latest}.`;
  } else {
    status = `Your service is ${versionCount(
      behind,
    )} behind (${version} → ${latest}).`;
  }

  const canPropose =
    behind > 0 &&
    !proposals.loading &&
    (!proposal || proposal.state === 'failed' || proposal.state === 'closed');

  return (
    <>
      {made}
      <Typography variant="body1" component="p" gutterBottom>
        {status}
      </Typography>
      {behind > 0 && proposals.loading && !proposal && <Progress />}
      {proposals.error && (
        <ErrorInWords
          error={proposals.error}
          what="Upgrade proposals could not be loaded"
        />
      )}
      {proposal && <ProposalState proposal={proposal} />}
      {canPropose && (
        <Box mt={1}>
          <Button
            variant="contained"
            color="primary"
            size="small"
            disabled={proposing.running}
            onClick={propose}
          >
            Propose upgrade
          </Button>
          <Typography variant="caption" color="textSecondary" component="p">
            Opens a change request with only the template's changes from{' '}
            {version} to {latest}; nothing goes to the default branch.
          </Typography>
        </Box>
      )}
      {proposing.error !== undefined && (
        <ErrorInWords
          error={proposing.error}
          what="The upgrade could not be proposed"
        />
      )}
    </>
  );
}

/**
 * The "Golden path version" card of an entity made by a template: its
 * template and version against the template's latest, how many versions
 * behind, and the proposal that brings it up to date (its change request,
 * state and upgrade notes) or a button to propose one. Nothing for an
 * entity without the `portal.dev/template` annotation.
 */
export function EntityTemplateUpgradeCard() {
  const { entity } = useEntity();
  const annotations = entity.metadata.annotations ?? {};
  const template = annotations[ANNOTATION_TEMPLATE];
  if (!template) return null;
  const templateRef = templateRefOf(template) ?? template;
  return (
    <InfoCard title="Golden path version">
      <UpgradeCardContent
        entity={entity}
        templateRef={templateRef}
        version={annotations[ANNOTATION_TEMPLATE_VERSION]?.trim() || undefined}
      />
    </InfoCard>
  );
}
