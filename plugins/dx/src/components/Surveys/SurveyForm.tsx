import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Survey } from '@internal/plugin-dx-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { dxApiRef } from '../../api';

const SCALE = [1, 2, 3, 4, 5];

/**
 * A survey to answer: a 1 (worst) to 5 (best) scale or free text per
 * question; Submit posts the answers (with the run's `taskId` for
 * golden-path surveys) and thanks the user.
 */
export function SurveyForm(props: {
  survey: Survey;
  taskId?: string;
  onSubmitted?: () => void;
}) {
  const { survey, taskId, onSubmitted } = props;
  const api = useApi(dxApiRef);
  const [answers, setAnswers] = useState<Record<string, number | string>>({});
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string>();

  const answered = (id: string) => {
    const a = answers[id];
    return typeof a === 'number' || (typeof a === 'string' && a.trim() !== '');
  };
  const missing = survey.questions.filter(q => q.required && !answered(q.id));

  if (sent) {
    return (
      <Typography role="status" variant="body1">
        Thank you, your answer was saved.
      </Typography>
    );
  }

  const submit = async () => {
    setSending(true);
    setError(undefined);
    const body: Record<string, number | string> = {};
    for (const q of survey.questions) {
      const a = answers[q.id];
      if (typeof a === 'number') body[q.id] = a;
      else if (typeof a === 'string' && a.trim() !== '') body[q.id] = a.trim();
    }
    try {
      await api.submitSurveyResponse(survey.id, {
        answers: body,
        ...(taskId ? { taskId } : {}),
      });
      setSent(true);
      onSubmitted?.();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Box
      component="form"
      aria-label={survey.title}
      onSubmit={(e: React.FormEvent) => {
        e.preventDefault();
        if (missing.length === 0) submit();
      }}
    >
      {survey.questions.map(q =>
        q.type === 'scale' ? (
          <Box key={q.id} mb={2}>
            <FormControl component="fieldset" required={q.required}>
              <FormLabel component="legend">{q.text}</FormLabel>
              <RadioGroup
                row
                aria-label={q.text}
                name={`${survey.id}-${q.id}`}
                value={
                  typeof answers[q.id] === 'number' ? String(answers[q.id]) : ''
                }
                onChange={e =>
                  setAnswers(a => ({ ...a, [q.id]: Number(e.target.value) }))
                }
              >
                {SCALE.map(n => (
                  <FormControlLabel
                    key={n}
                    value={String(n)}
                    control={<Radio color="primary" />}
                    label={String(n)}
                  />
                ))}
              </RadioGroup>
              <Typography variant="caption" color="textSecondary">
                1 is the worst, 5 the best.
              </Typography>
            </FormControl>
          </Box>
        ) : (
          <Box key={q.id} mb={2}>
            <TextField
              id={`${survey.id}-${q.id}`}
              label={q.text}
              required={q.required}
              multiline
              minRows={2}
              fullWidth
              variant="outlined"
              value={typeof answers[q.id] === 'string' ? answers[q.id] : ''}
              onChange={e =>
                setAnswers(a => ({ ...a, [q.id]: e.target.value }))
              }
              inputProps={{ maxLength: 2000 }}
            />
          </Box>
        ),
      )}
      {error && (
        <Typography role="alert" color="error" variant="body2" paragraph>
          Your answer could not be saved: {error}
        </Typography>
      )}
      <Button
        type="submit"
        variant="contained"
        color="primary"
        disabled={sending || missing.length > 0}
      >
        Submit
      </Button>
    </Box>
  );
}
