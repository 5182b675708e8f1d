// The travel log (docs/travel.md): per party, day and watch, filtered by what the DM wants to
// see, exported as Markdown.
import { useMemo } from 'react';
import { DialogFrame } from './dialogs';
import { useDm, useDmStore } from './useDm';
import { LINE_KIND_NAMES, LINE_KINDS, travelLog } from './travelLog';

const NO_PARTIES: readonly { id: string; name: string }[] = [];

export function TravelLogDialog({ onClose }: { onClose: () => void }) {
  const dm = useDmStore();
  const entries = useDm((s) => s.travelLog);
  const loaded = useDm((s) => s.travelLogLoaded);
  const filter = useDm((s) => s.logFilter);
  const parties = useDm((s) => s.data?.parties) ?? NO_PARTIES;
  const days = useMemo(() => travelLog(entries, filter), [entries, filter]);
  const name = (id: string) => parties.find((p) => p.id === id)?.name ?? 'A former party';
  const exportMd = () => {
    const s = dm.getState();
    const text = s.travelLogMarkdown();
    const url = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${(s.data?.campaign.name ?? 'campaign').replace(/[^\p{L}\p{N} _-]+/gu, '').trim() || 'campaign'} travel log.md`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <DialogFrame title="Travel log" testId="travel-log" onCancel={onClose} wide>
      <div className="travel-log-filters">
        {parties.length > 1 && (
          <select
            value={filter.partyId ?? ''}
            onChange={(e) => dm.getState().setLogFilter({ partyId: e.target.value || null })}
            aria-label="Party"
            data-testid="travel-log-party"
          >
            <option value="">Every party</option>
            {parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
        {LINE_KINDS.map((k) => (
          <label key={k} className="check small">
            <input type="checkbox" checked={filter.kinds.has(k)} onChange={() => dm.getState().toggleLogKind(k)} data-testid={`travel-log-kind-${k}`} /> {LINE_KIND_NAMES[k]}
          </label>
        ))}
      </div>
      <div className="travel-log" data-testid="travel-log-body">
        {!loaded && entries.length === 0 && <p className="muted">Reading the log…</p>}
        {loaded && days.length === 0 && <p className="muted">Nothing yet: the party has not travelled, or the filter hides it all.</p>}
        {days.map((d) => (
          <section key={`${d.partyId}/${d.day}`} className="travel-log-day">
            <h4>
              {name(d.partyId)} — day {d.day}
            </h4>
            {d.watches.map((w, n) => (
              <div key={n} className="travel-log-watch">
                <h5>{w.watchName}</h5>
                <ul>
                  {w.lines.map((l, i) => (
                    <li key={i} className={`log-${l.kind}`} data-testid="travel-log-line">
                      <span className="log-time">{l.time}</span> {l.text}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </section>
        ))}
      </div>
      <div className="dlg-actions">
        <button type="button" className="dbtn" onClick={exportMd} disabled={days.length === 0} data-testid="travel-log-export">
          Export Markdown
        </button>
        <button type="button" className="dbtn dbtn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </DialogFrame>
  );
}
