import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  recentSurveyPeriods,
  resultsPeriodOf,
  type Survey,
  type SurveyResults,
} from '@internal/plugin-dx-common';
import { useState } from 'react';
import TextField from '@material-ui/core/TextField';
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
import { dxApiRef } from '../../api';
import { Async } from '../shared/Async';
import { formatNumber, plural } from '../shared/format';
import { ApiCsvDownload } from '../shared/CsvDownload';
import { EntityName } from '../shared/EntityName';

const MAX_COMMENTS = 20;
/** Periods offered in the results' period menu, the current one first. */
const PERIODS_OFFERED = 8;

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

/**
 * Results of one survey for a team or the organisation, one whole period
 * at a time (the survey's own; months for golden-path surveys).
 */
export function SurveyResultsView(props: {
  survey: Survey;
  owner?: string;
  /** Read again when it changes (an answer was given). */
  refreshKey?: number;
}) {
  const { survey, owner, refreshKey } = props;
  const api = useApi(dxApiRef);
  const kind = resultsPeriodOf(survey);
  const [periods] = useState(() =>
    recentSurveyPeriods(kind, new Date(), PERIODS_OFFERED),
  );
  const [period, setPeriod] = useState(periods[0]);
  const state = useAsync(
    () => api.getSurveyResults(survey.id, { owner, period }),
    [api, survey.id, owner, period, refreshKey],
  );
  return (
    <InfoCard
      title={`Results: ${survey.title}`}
      subheader={
        owner ? (
          <>
            Respondents of <EntityName entityRef={owner} />
          </>
        ) : (
          'Every respondent'
        )
      }
      action={
        <TextField
          select
          id={`survey-period-${survey.id}`}
          label={`Period (${kind})`}
          value={period}
          onChange={e => setPeriod(e.target.value)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          variant="outlined"
          size="small"
          style={{ minWidth: 140 }}
        >
          {periods.map(p => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </TextField>
      }
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
                  query={{ owner, period }}
                  what={`${survey.id}-results`}
                />
              </Typography>
              {r.questions.map(q => (
                <QuestionResult key={q.id} question={q} />
              ))}
              {r.trend.length > 0 && (
                <>
                  <Typography variant="subtitle2">Mean per week</Typography>
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
