import { useId, useState } from 'react';
import type { Mtls } from '@meshviz/shared';
import { formatPercent } from '../format/format';

export interface MtlsDetail extends Mtls {
  clientIdentity?: string | null;
  serverIdentities?: string[];
}

/** What a plaintext reason means (mesh-facts: the proxy's `no_tls_reason`); unknown ones are shown verbatim. */
export const REASON_TEXT: Record<string, string> = {
  no_tls_from_remote: 'the client has no proxy',
  not_provided_by_service_discovery: 'the destination is not meshed',
  loopback: 'loopback traffic',
  port_skipped: 'the port skips the proxy',
  ingress_without_override: 'ingress mode without an l5d-dst-override header',
};

export function reasonText(reason: string): string {
  return REASON_TEXT[reason] ?? reason;
}

/** `all`, `some (62.5%)` or `none`: three states, told apart by text and shape, not only colour. */
export function mtlsLabel(m: Mtls): string {
  if (m.state === null) return 'no traffic';
  if (m.state === 'some') return `some ${formatPercent(m.securedShare)}`;
  return m.state;
}

function tooltipLines(m: MtlsDetail): string[] {
  const lines: string[] = [];
  if (m.state === null) return ['No traffic in the window'];
  if (m.state !== 'none')
    lines.push(`${formatPercent(m.securedShare)} of requests secured by mTLS`);
  if (m.clientIdentity) lines.push(`client: ${m.clientIdentity}`);
  for (const s of m.serverIdentities ?? []) lines.push(`server: ${s}`);
  for (const r of m.reasons)
    lines.push(`plaintext ${formatPercent(r.share)}: ${r.reason} (${reasonText(r.reason)})`);
  return lines;
}

/** Shapes that tell the states apart without colour (and render in any font). */
const SYMBOL = { all: '●', some: '◐', none: '⚠', idle: '·' } as const;

/** The mTLS state of traffic, with a tooltip (hover or keyboard focus) giving identities or reasons. */
export function MtlsMark({ mtls }: { mtls: MtlsDetail }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const state = mtls.state ?? 'idle';
  const label = mtlsLabel(mtls);
  return (
    <span className="mtls-wrap">
      <button
        type="button"
        className={`mtls mtls-${state}`}
        aria-label={`mTLS ${label}`}
        aria-describedby={open ? id : undefined}
        onMouseEnter={() => setOpen(true)}
        onMouseLeave={() => setOpen(false)}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          // Escape closes the tooltip and leaves focus where it is.
          if (e.key === 'Escape' && open) {
            // Only the tooltip: a panel around the mark stays open.
            e.preventDefault();
            setOpen(false);
          }
        }}
        onClick={(e) => {
          e.stopPropagation();
          setOpen((o) => !o);
        }}
      >
        <span aria-hidden="true">{SYMBOL[state]}</span> {label}
      </button>
      {open && (
        <span role="tooltip" id={id} className="tooltip">
          {tooltipLines(mtls).map((l) => (
            <span key={l}>{l}</span>
          ))}
        </span>
      )}
    </span>
  );
}
