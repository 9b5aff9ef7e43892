import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { formatRelative, formatTimestamp } from './format';

/** A time as "5 minutes ago", with the full timestamp on hover. */
export function RelativeTime(props: { iso: string | undefined }) {
  return (
    <Tooltip title={formatTimestamp(props.iso)}>
      <span>{formatRelative(props.iso)}</span>
    </Tooltip>
  );
}

/** A template, by its title (a link to it), with its version underneath. */
export function TemplateCell(props: {
  templateRef: string;
  templateVersion?: string;
}) {
  return (
    <>
      <EntityRefLink entityRef={props.templateRef} defaultKind="template" />
      {props.templateVersion && (
        <Typography variant="caption" color="textSecondary" component="div">
          version {props.templateVersion}
        </Typography>
      )}
    </>
  );
}
