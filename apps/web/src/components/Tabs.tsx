import type { ReactNode } from 'react';
import { useParam } from '../app/url-state';

/** Tabs whose selection is `?tab=` in the URL; arrow keys move between them. */
export function Tabs({
  label,
  tabs,
}: {
  label: string;
  tabs: { id: string; title: string; render: () => ReactNode }[];
}) {
  const [current, setCurrent] = useParam('tab', tabs[0]?.id ?? '');
  const active = tabs.find((t) => t.id === current) ?? tabs[0];
  return (
    <div className="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map((t, i) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === active?.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active?.id ? 0 : -1}
            onClick={() => setCurrent(t.id)}
            onKeyDown={(e) => {
              const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
              if (!step) return;
              const next = tabs[(i + step + tabs.length) % tabs.length];
              if (next) {
                setCurrent(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
          >
            {t.title}
          </button>
        ))}
      </div>
      {active && (
        <div role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`}>
          {active.render()}
        </div>
      )}
    </div>
  );
}
