import { useEffect } from 'react';
import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { METRIC_DEFINITIONS } from '@internal/plugin-dx-common';

/**
 * Every number of the DX page with our definition, its source and how other
 * tools count it; each tile links here (`#<id>`).
 */
export function DefinitionsTab() {
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView?.();
  }, []);
  return (
    <Grid container spacing={2}>
      {METRIC_DEFINITIONS.map(d => (
        <Grid item xs={12} md={6} key={d.id} id={d.id}>
          <InfoCard title={d.title}>
            <Typography variant="body2" paragraph>
              {d.definition}
            </Typography>
            <Typography variant="body2" color="textSecondary" paragraph>
              Source: {d.source}
            </Typography>
            {d.compared && (
              <Typography variant="body2" color="textSecondary">
                Other tools: {d.compared}
              </Typography>
            )}
          </InfoCard>
        </Grid>
      ))}
    </Grid>
  );
}
