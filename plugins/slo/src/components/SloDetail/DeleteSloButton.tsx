import { useState } from 'react';
import { coreApis, useApi } from '@backstage/frontend-plugin-api';
import type { SloSummary } from '@internal/plugin-slo-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { sloApiRef } from '../../api';
import { errorMessage } from '../shared/format';

/** Deletes an SLO made in the UI, after asking. */
export function DeleteSloButton(props: {
  slo: SloSummary;
  onDeleted: () => void;
}) {
  const { slo, onDeleted } = props;
  const api = useApi(sloApiRef);
  const toastApi = useApi(coreApis.toast);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const name = slo.displayName ?? slo.name;

  const remove = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.deleteSlo(slo.id);
      toastApi.post({
        title: `Deleted the SLO ${name}`,
        status: 'success',
        timeout: 5000,
      });
      setOpen(false);
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        variant="outlined"
        size="small"
        onClick={() => {
          setError(undefined);
          setOpen(true);
        }}
      >
        Delete
      </Button>
      <Dialog
        open={open}
        onClose={busy ? undefined : () => setOpen(false)}
        aria-labelledby="slo-delete-title"
      >
        <DialogTitle id="slo-delete-title">Delete the SLO {name}?</DialogTitle>
        <DialogContent>
          <Typography variant="body2">
            Its measurements and alert history are deleted with it.
          </Typography>
          {error && (
            <Typography role="alert" color="error" variant="body2">
              {error}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            onClick={remove}
            disabled={busy}
            color="secondary"
            variant="contained"
          >
            Delete
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
