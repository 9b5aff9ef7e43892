import { useEffect, useState } from 'react';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { coreApis, useApi } from '@backstage/frontend-plugin-api';
import type { SloSummary } from '@internal/plugin-slo-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { sloApiRef, type SloValidation } from '../../api';
import { errorMessage, formatPercent } from '../shared/format';
import { exampleOpenSlo } from '../shared/HowToAddSlo';
import { ProblemsList } from '../shared/ProblemsList';

/** What the check of the file found: the SLOs it gives and its problems. */
function Preview(props: { preview: SloValidation }) {
  const { slos, problems } = props.preview;
  const errors = problems.filter(p => p.severity === 'error').length;
  return (
    <Box mt={2} data-testid="slo-preview">
      <Typography variant="subtitle2" gutterBottom>
        {slos.length
          ? `The file gives ${slos.length} SLO${slos.length === 1 ? '' : 's'}:`
          : 'The file gives no SLO.'}
      </Typography>
      {slos.length > 0 && (
        <Box component="ul" mt={0} pl={3}>
          {slos.map((s, i) => (
            <li key={i}>
              <Typography variant="body2">
                {s.name}: target {formatPercent(s.target)}, measured by{' '}
                {s.sourceType}
              </Typography>
            </li>
          ))}
        </Box>
      )}
      <Typography variant="subtitle2" gutterBottom>
        {problems.length
          ? `${problems.length} problem${problems.length === 1 ? '' : 's'}${
              errors ? `, ${errors} of them errors` : ''
            }`
          : 'No problems'}
      </Typography>
      {problems.length > 0 && (
        <ProblemsList problems={problems} aria-label="Problems of the file" />
      )}
    </Box>
  );
}

/**
 * Creates an SLO of an entity from OpenSLO v1 YAML. "Check" previews the
 * SLOs the file gives and its problems (`POST /validate`); "Create" saves it
 * (`POST /slos`, owners of the entity only). Errors stay in the dialog.
 */
export function CreateSloDialog(props: {
  entity: Entity;
  open: boolean;
  onClose: () => void;
  onCreated: (slos: SloSummary[]) => void;
}) {
  const { entity, open, onClose, onCreated } = props;
  const api = useApi(sloApiRef);
  const toastApi = useApi(coreApis.toast);
  const [yaml, setYaml] = useState('');
  const [preview, setPreview] = useState<SloValidation>();
  const [busy, setBusy] = useState<'check' | 'create'>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (open) {
      setYaml(exampleOpenSlo(entity.metadata.name));
      setPreview(undefined);
      setError(undefined);
    }
  }, [open, entity.metadata.name]);

  const check = async () => {
    setBusy('check');
    setError(undefined);
    try {
      setPreview(await api.validateSlo(yaml));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  const create = async () => {
    setBusy('create');
    setError(undefined);
    try {
      const slos = await api.createSlo({
        entityRef: stringifyEntityRef(entity),
        yaml,
      });
      toastApi.post({
        title: `Created ${slos.length} SLO${slos.length === 1 ? '' : 's'}`,
        status: 'success',
        timeout: 5000,
      });
      onClose();
      onCreated(slos);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="slo-create-title"
    >
      <DialogTitle id="slo-create-title">
        Create an SLO for {entity.metadata.title ?? entity.metadata.name}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" gutterBottom>
          Write the SLO in OpenSLO v1: an <code>SLO</code> document, with its{' '}
          <code>SLI</code> and alert policies inline or as further documents.
          Check it to see what the portal makes of it before creating it.
        </Typography>
        <TextField
          id="slo-create-yaml"
          label="OpenSLO YAML"
          value={yaml}
          onChange={e => {
            setYaml(e.target.value);
            setPreview(undefined);
          }}
          multiline
          minRows={16}
          maxRows={30}
          fullWidth
          margin="normal"
          variant="outlined"
          inputProps={{
            spellCheck: false,
            style: { fontFamily: 'monospace', fontSize: 13 },
          }}
        />
        {preview && <Preview preview={preview} />}
        {error && (
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={!!busy}>
          Cancel
        </Button>
        <Button
          onClick={check}
          disabled={!!busy || !yaml.trim()}
          color="primary"
          variant="outlined"
        >
          {busy === 'check' ? 'Checking…' : 'Check'}
        </Button>
        <Button
          onClick={create}
          disabled={!!busy || !yaml.trim()}
          color="primary"
          variant="contained"
        >
          {busy === 'create' ? 'Creating…' : 'Create'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
