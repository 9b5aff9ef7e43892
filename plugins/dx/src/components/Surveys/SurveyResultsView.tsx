import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Survey, SurveyResults } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { dxApiRef, type DxRange } from '../../api';
import { Async } from '../shared/Async';
import { formatNumber, plural } from '../shared/format';
import { ApiCsvDownload } from '../shared/CsvDownload';

const MAX_COMMENTS = 20;

type Question = SurveyResults['questions'][number];

function QuestionResult(props: { question: Question }) {
  const { question: q } = props;
  return (
    <Box mb={2}>
      <Typography variant="subtitle2">{q.text}</Typography>
      {q.type === 'scale' ? (
        <>
          <Typography variant="body2">
            {q.mean === undefined
              ? 'No answers.'
              : `Mean ${formatNumber(q.mean)} of 5 from ${plural(
                  q.responses,
                  'answer',
                )}`}
          </Typography>
          {q.distribution && (
            <Typography variant="caption" color="textSecondary">
              {q.distribution.map((n, i) => `${i + 1}: ${n}`).join(' · ')}
            </Typography>
          )}
        </>
      ) : (
        <>
          <Typography variant="body2">
            {plural(q.responses, 'answer')}
          </Typography>
          {q.comments && q.comments.length > 0 && (
            <Box component="ul" pl={2} my={0}>
              {q.comments.slice(0, MAX_COMMENTS).map((c, i) => (
                // Stored text, rendered as text only.
                <Typography component="li" variant="body2" key={i}>
                  {c}
                </Typography>
              ))}
              {q.comments.length > MAX_COMMENTS && (
                <Typography component="li" variant="caption">
                  and {q.comments.length - MAX_COMMENTS} more
                </Typography>
              )}
            </Box>
          )}
        </>
      )}
    </Box>
  );
}

function TrendChart(props: { trend: SurveyResults['trend']; title: string }) {
  const theme = useTheme();
  return (
    <div role="figure" aria-label={`${props.title}: weekly trend`}>
      <ResponsiveContainer
        width="100%"
        height={200}
        initialDimension={{ width: 500, height: 200 }}
      >
        <LineChart data={props.trend} margin={{ top: 8, right: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="week" />
          <YAxis domain={[1, 5]} width={32} allowDecimals={false} />
          <Tooltip />
          <Line
            dataKey="mean"
            name="Mean"
            stroke={theme.palette.primary.main}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Results of one survey for a team or the organisation. */
export function SurveyResultsView(props: {
  survey: Survey;
  owner?: string;
  range: DxRange;
}) {
  const { survey, owner, range } = props;
  const api = useApi(dxApiRef);
  const state = useAsync(
    () => api.getSurveyResults(survey.id, { owner, ...range }),
    [api, survey.id, owner, range],
  );
  return (
    <InfoCard
      title={`Results: ${survey.title}`}
      subheader={owner ? `Respondents of ${owner}` : 'Every respondent'}
    >
      <Async state={state} what={`The results of ${survey.title}`}>
        {r =>
          r.hidden ? (
            <Typography variant="body2" data-testid="survey-hidden">
              Fewer than {r.minGroupSize} respondents: results hidden to keep
              answers anonymous.
            </Typography>
          ) : (
            <>
              <Typography variant="body2" paragraph>
                {plural(r.respondents, 'respondent')}
              </Typography>
              <Typography variant="body2" paragraph>
                <ApiCsvDownload
                  path={`/surveys/${encodeURIComponent(survey.id)}/results.csv`}
                  query={{
                    owner,
                    from: range.from.toISOString(),
                    to: range.to.toISOString(),
                  }}
                  filename={`${survey.id}-results.csv`}
                />
              </Typography>
              {r.questions.map(q => (
                <QuestionResult key={q.id} question={q} />
              ))}
              {r.trend.length > 0 && (
                <>
                  <Typography variant="subtitle2">
                    Mean per week (weeks with fewer than {r.minGroupSize}{' '}
                    respondents left out)
                  </Typography>
                  <TrendChart trend={r.trend} title={survey.title} />
                </>
              )}
              {r.byProvisioningTime && r.byProvisioningTime.length > 0 && (
                <>
                  <Typography variant="subtitle2">
                    By provisioning time of the run
                  </Typography>
                  <Table size="small" aria-label="By provisioning time">
                    <TableHead>
                      <TableRow>
                        <TableCell>Provisioning time</TableCell>
                        <TableCell align="right">Respondents</TableCell>
                        <TableCell align="right">Mean</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {r.byProvisioningTime.map(b => (
                        <TableRow key={b.bucket}>
                          <TableCell>{b.bucket}</TableCell>
                          <TableCell align="right">{b.respondents}</TableCell>
                          <TableCell align="right">
                            {b.mean === null ? '—' : formatNumber(b.mean)}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </>
              )}
            </>
          )
        }
      </Async>
    </InfoCard>
  );
}
