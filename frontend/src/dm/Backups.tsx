// Backups: where the hub keeps them (backups/ beside the data file), which there are, and one now.
// The hub makes one at every session's end and daily; restoring is `hexcrawl restore FILE` with
// the hub stopped (README, "Backups").
import { useEffect, useState } from 'react';
import { DialogFrame } from './dialogs';
import { errorText, type Backups, type DmApi } from './api';

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function BackupsDialog(props: { api: DmApi; done: () => void }) {
  const [list, setList] = useState<Backups | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { api } = props;
  useEffect(() => {
    let live = true;
    api.backups().then(
      (b) => live && setList(b),
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);
  const backUpNow = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.backupNow();
      setList(await api.backups());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <DialogFrame title="Backups" testId="backups" onCancel={props.done} wide>
      <div className="dlg-body">
        {list === null && !error && <p className="muted">Loading…</p>}
        {list && !list.dir && <p>This hub makes no backups (it was started with --keep-backups 0).</p>}
        {list && list.dir && (
          <>
            <p>
              The hub copies the whole data file at the end of every session and once a day, keeping the newest {list.keep}, in:
            </p>
            <p>
              <code className="path" data-testid="backups-dir">
                {list.dir}
              </code>
            </p>
            <p className="muted small">
              To go back to one: stop the hub, then run <code>hexcrawl restore FILE</code> with the backup's file (the current data is kept
              beside it).
            </p>
            {list.backups.length === 0 ? (
              <p className="muted">No backup yet.</p>
            ) : (
              <ul className="backups-list" data-testid="backups-list">
                {list.backups.map((b) => (
                  <li key={b.name} data-testid="backup-row">
                    <span>{new Date(b.at).toLocaleString()}</span>
                    <span className="muted">{size(b.size)}</span>
                    <code className="muted small">{b.name}</code>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <div className="dlg-actions">
        {list?.dir && (
          <button type="button" className="dbtn" disabled={busy} onClick={() => void backUpNow()} data-testid="backup-now">
            {busy ? 'Backing up…' : 'Back up now'}
          </button>
        )}
        <button type="button" className="dbtn dbtn-primary" onClick={props.done} data-testid="backups-close">
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
