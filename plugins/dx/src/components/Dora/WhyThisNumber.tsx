import type { DoraDiagnostic, DoraMetricKey } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import InfoOutlined from '@material-ui/icons/InfoOutlined';
import { useId, useState } from 'react';

/**
 * "Why this number": what is missing for one number and how to fix it,
 * folded by default; nothing when nothing is missing (or the server is
 * older and sends no diagnostics).
 */
export function WhyThisNumber(props: {
  metric: DoraMetricKey;
  diagnostics?: DoraDiagnostic[];
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const mine = (props.diagnostics ?? []).filter(d =>
    d.metrics.includes(props.metric),
  );
  if (mine.length === 0) return null;
  return (
    <Box mt={1}>
      <Button
        size="small"
        startIcon={<InfoOutlined fontSize="small" />}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => setOpen(o => !o)}
      >
        Why this number ({mine.length})
      </Button>
      {open && (
        <Box component="ul" id={id} aria-label="What is missing" pl={2} my={1}>
          {mine.map(d => (
            <Box component="li" key={d.kind} mb={1}>
              <Typography variant="body2" component="div">
                {d.problem}
              </Typography>
              <Typography variant="caption" component="div">
                <strong>Fix:</strong> {d.fix}
              </Typography>
              {d.examples.length > 0 && (
                <Typography
                  variant="caption"
                  component="div"
                  color="textSecondary"
                  // Ids are not words: they may break anywhere to fit.
                  style={{ overflowWrap: 'anywhere' }}
                >
                  For example:{' '}
                  {d.examples.map((x, i) => (
                    <span key={x}>
                      {i > 0 && ', '}
                      <code>{x}</code>
                    </span>
                  ))}
                </Typography>
              )}
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}
