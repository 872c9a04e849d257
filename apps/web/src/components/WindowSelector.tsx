import { useState } from 'react';
import { PRESET_WINDOWS, parseDuration } from '@meshviz/shared';
import { useRefresh, useWindow } from '../app/url-state';

const CUSTOM = 'custom';

/** The time window (presets or any duration) and auto-refresh, both kept in the URL. */
export function WindowSelector() {
  const [window, setWindow] = useWindow();
  const refresh = useRefresh();
  const preset = (PRESET_WINDOWS as readonly string[]).includes(window);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(window);
  const valid = parseDuration(draft.trim()) !== undefined;

  return (
    <div className="window-controls">
      <label>
        Window{' '}
        <select
          aria-label="Time window"
          value={editing || !preset ? CUSTOM : window}
          onChange={(e) => {
            if (e.target.value === CUSTOM) {
              setDraft(window);
              setEditing(true);
            } else {
              setEditing(false);
              setWindow(e.target.value);
            }
          }}
        >
          {PRESET_WINDOWS.map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
          <option value={CUSTOM}>{preset || editing ? 'custom…' : `custom (${window})`}</option>
        </select>
      </label>
      {editing && (
        <form
          className="custom-window"
          onSubmit={(e) => {
            e.preventDefault();
            if (!valid) return;
            setEditing(false);
            setWindow(draft.trim());
          }}
        >
          <input
            aria-label="Custom window"
            aria-invalid={!valid}
            value={draft}
            size={6}
            placeholder="e.g. 30m"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" disabled={!valid}>
            Apply
          </button>
          {!valid && <span className="hint">a duration like 90s, 30m or 2h</span>}
        </form>
      )}
      <button
        type="button"
        aria-pressed={refresh.paused}
        onClick={refresh.toggle}
        title={refresh.paused ? 'Auto-refresh is paused' : 'Refreshing every 10 s'}
      >
        {refresh.paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}
