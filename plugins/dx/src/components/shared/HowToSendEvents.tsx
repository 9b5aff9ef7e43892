import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** A batch in the generic format (see dx-common `events/generic.ts`). */
export function genericExample(entityRef = 'component:default/checkout') {
  return {
    format: 'generic',
    events: [
      {
        id: 'deploy-2024-05-01-1',
        type: 'deployment',
        action: 'deployed',
        timestamp: '2024-05-01T12:00:00Z',
        entityRef,
        environment: 'production',
        outcome: 'success',
        commitSha: '9f1c2e4',
      },
    ],
  };
}

/**
 * How deployments, changes and incidents reach the DX metrics: the batch
 * API (CDEvents or the generic JSON format) or a GitHub webhook, with an
 * example of the generic format.
 */
export function HowToSendEvents(props: { entityRef?: string }) {
  return (
    <Box textAlign="left" maxWidth={720}>
      <Typography variant="body2" paragraph>
        Send deployments to <code>POST /api/dx/events</code> (format{' '}
        <code>cdevents</code> or <code>generic</code>) with a Backstage token,
        or point a GitHub webhook at <code>/api/dx/webhooks/github</code>{' '}
        (signed with <code>dx.github.webhookSecret</code>). Changes (type{' '}
        <code>change</code>, action <code>merged</code>) and incidents (type{' '}
        <code>incident</code>, actions <code>detected</code> and{' '}
        <code>resolved</code>) are sent the same way. Events are mapped to a
        catalog entity by <code>entityRef</code>, <code>repository</code> (
        <code>owner/name</code>, the <code>github.com/project-slug</code>{' '}
        annotation) or <code>service</code> (its name).
      </Typography>
      <Typography variant="body2">
        A deployment in the generic format:
      </Typography>
      <Box
        component="pre"
        data-testid="generic-event-example"
        p={1}
        bgcolor="background.default"
        style={{ overflowX: 'auto', fontSize: 12 }}
      >
        {JSON.stringify(genericExample(props.entityRef), null, 2)}
      </Box>
    </Box>
  );
}
