import { CodeSnippet } from '@backstage/core-components';
import { ANNOTATION_OPENSLO } from '@internal/plugin-slo-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** An OpenSLO v1 SLO for a service: 99.5 % of its requests succeed over 28 days. */
export function exampleOpenSlo(service: string): string {
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${service}-availability
  displayName: ${service} availability
spec:
  service: ${service}
  indicator:
    metadata:
      name: ${service}-requests-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{service="${service}",code!~"5.."})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{service="${service}"})
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Requests succeed
      target: 0.995
`;
}

/**
 * How to give an entity an SLO: an OpenSLO v1 file next to its
 * `catalog-info.yaml`, found automatically or named by the annotation.
 */
export function HowToAddSlo(props: { service?: string }) {
  return (
    <Box textAlign="left">
      <Typography variant="body1" paragraph>
        Put an OpenSLO v1 file named <code>slo.yaml</code> (or{' '}
        <code>*.openslo.yaml</code>) next to the entity's{' '}
        <code>catalog-info.yaml</code>: catalog ingestion finds it
        automatically. A file elsewhere in the repository is named by the{' '}
        <code>{ANNOTATION_OPENSLO}</code> annotation, relative to{' '}
        <code>catalog-info.yaml</code>. The SLO appears here after the next
        ingestion; owners of the entity can also create one in the UI.
      </Typography>
      <Typography variant="subtitle2" gutterBottom>
        Example <code>slo.yaml</code>
      </Typography>
      <CodeSnippet
        language="yaml"
        text={exampleOpenSlo(props.service ?? 'checkout')}
        showCopyCodeButton
      />
    </Box>
  );
}
