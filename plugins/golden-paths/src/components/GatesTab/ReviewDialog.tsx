import { useEffect, useMemo, useState } from 'react';
import { coreApis, useApi } from '@backstage/frontend-plugin-api';
import { EntityDisplayName } from '@backstage/plugin-catalog-react';
import type { GateRequest } from '@internal/plugin-golden-paths-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { goldenPathsApiRef } from '../../api';
import { displayRef, errorMessage, formatRelative } from '../shared/format';
import { viaAgent } from './columns';

type Kind = 'string' | 'number' | 'boolean' | 'json';

function kindOf(value: unknown): Kind {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'json';
}

/** The text a field starts with (booleans are checkboxes and keep their value). */
function initialInput(value: unknown): string | boolean {
  switch (kindOf(value)) {
    case 'string':
      return value as string;
    case 'number':
      return String(value);
    case 'boolean':
      return value as boolean;
    default:
      return value === undefined ? '' : JSON.stringify(value);
  }
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Reads a field back as the type of the requested value. */
function parseInput(
  name: string,
  original: unknown,
  input: string | boolean,
): Parsed {
  switch (kindOf(original)) {
    case 'boolean':
      return { ok: true, value: Boolean(input) };
    case 'number': {
      const text = String(input).trim();
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) {
        return { ok: false, error: `${name} must be a number` };
      }
      return { ok: true, value: n };
    }
    case 'string':
      return { ok: true, value: String(input) };
    default:
      try {
        return {
          ok: true,
          value:
            String(input).trim() === '' ? original : JSON.parse(String(input)),
        };
      } catch {
        return { ok: false, error: `${name} must be JSON, as requested` };
      }
  }
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * The decision on one gate request: its reasons, the requested parameters
 * as editable fields (a reviewer may approve a smaller request), a comment,
 * and Approve / Reject. Errors of the backend, such as parameters that break
 * the policy, stay in the dialog.
 */
export function ReviewDialog(props: {
  gate: GateRequest;
  open: boolean;
  onClose: () => void;
  onDecided: () => void;
}) {
  const { gate, open, onClose, onDecided } = props;
  const api = useApi(goldenPathsApiRef);
  const toastApi = useApi(coreApis.toast);
  const names = useMemo(() => Object.keys(gate.parameters), [gate.parameters]);
  const [inputs, setInputs] = useState<Record<string, string | boolean>>({});
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (open) {
      setInputs(
        Object.fromEntries(
          Object.entries(gate.parameters).map(([k, v]) => [k, initialInput(v)]),
        ),
      );
      setComment('');
      setError(undefined);
    }
  }, [open, gate]);

  const parsed = useMemo(
    () =>
      Object.fromEntries(
        names.map(name => [
          name,
          parseInput(
            name,
            gate.parameters[name],
            inputs[name] ?? initialInput(gate.parameters[name]),
          ),
        ]),
      ) as Record<string, Parsed>,
    [names, gate.parameters, inputs],
  );
  const invalid = Object.values(parsed).some(p => !p.ok);
  const changes: Record<string, unknown> = {};
  for (const name of names) {
    const p = parsed[name];
    if (p.ok && !same(p.value, gate.parameters[name])) changes[name] = p.value;
  }
  const flagged = new Map<string, string[]>();
  for (const r of gate.reasons) {
    flagged.set(r.parameter, [...(flagged.get(r.parameter) ?? []), r.reason]);
  }

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = comment.trim();
      if (decision === 'approve') {
        const input: {
          comment?: string;
          parameters?: Record<string, unknown>;
        } = {};
        if (trimmed) input.comment = trimmed;
        if (Object.keys(changes).length) input.parameters = changes;
        const result = await api.approveGate(gate.id, input);
        toastApi.post({
          title: `Approved the request of ${displayRef(result.gate.requester)}`,
          description:
            'They were notified and continue it; it runs with the approved parameters, as them.',
          status: 'success',
          timeout: 5000,
        });
      } else {
        await api.rejectGate(gate.id, { comment: trimmed });
        toastApi.post({
          title: `Rejected the request of ${displayRef(gate.requester)}`,
          status: 'success',
          timeout: 5000,
        });
      }
      onClose();
      onDecided();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      fullWidth
      maxWidth="sm"
      aria-labelledby="golden-gate-review-title"
    >
      <DialogTitle id="golden-gate-review-title">
        Review the request of {displayRef(gate.requester)}
        {gate.requestedVia && ` ${viaAgent(gate)}`}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          <EntityDisplayName
            entityRef={gate.templateRef}
            defaultKind="template"
            hideIcon
          />
          {gate.templateVersion ? ` (version ${gate.templateVersion})` : ''},
          requested {formatRelative(gate.createdAt)}. It needs approval because:
        </Typography>
        <Box component="ul" mt={0} pl={3}>
          {gate.reasons.map((r, i) => (
            <li key={i}>
              <Typography variant="body2">{r.reason}</Typography>
            </li>
          ))}
        </Box>
        <Typography variant="subtitle2" gutterBottom>
          Parameters (change them to approve a different request)
        </Typography>
        {names.map(name => {
          const original = gate.parameters[name];
          const p = parsed[name];
          const helper = p && !p.ok ? p.error : flagged.get(name)?.join('; ');
          if (kindOf(original) === 'boolean') {
            return (
              <Box key={name}>
                <FormControlLabel
                  control={
                    <Checkbox
                      checked={Boolean(inputs[name])}
                      onChange={e =>
                        setInputs(s => ({ ...s, [name]: e.target.checked }))
                      }
                      color="primary"
                    />
                  }
                  label={name}
                />
                {helper && <FormHelperText>{helper}</FormHelperText>}
              </Box>
            );
          }
          return (
            <TextField
              key={name}
              id={`golden-gate-parameter-${name}`}
              label={name}
              value={String(inputs[name] ?? '')}
              onChange={e => setInputs(s => ({ ...s, [name]: e.target.value }))}
              error={p ? !p.ok : false}
              helperText={helper}
              inputProps={
                kindOf(original) === 'number' ? { inputMode: 'decimal' } : {}
              }
              multiline={kindOf(original) === 'json'}
              fullWidth
              margin="dense"
              variant="outlined"
              size="small"
            />
          );
        })}
        <TextField
          id="golden-gate-comment"
          label="Comment"
          helperText="Required to reject: tell the requester why"
          value={comment}
          onChange={e => setComment(e.target.value)}
          multiline
          minRows={2}
          fullWidth
          margin="normal"
          variant="outlined"
        />
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          onClick={() => decide('reject')}
          disabled={busy || !comment.trim()}
          color="secondary"
          variant="outlined"
        >
          Reject
        </Button>
        <Button
          onClick={() => decide('approve')}
          disabled={busy || invalid}
          color="primary"
          variant="contained"
        >
          Approve
        </Button>
      </DialogActions>
    </Dialog>
  );
}
