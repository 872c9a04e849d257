import type { Requirement } from '@meshviz/shared';

/** What one authentication admits: identities, networks, plaintext clients; or that it is missing. */
export function Requirements({ requires }: { requires: Requirement[] }) {
  if (requires.length === 0) return <span>any client (no authentication required)</span>;
  return (
    <ul className="plain">
      {requires.map((r) => (
        <li key={`${r.kind}/${r.name}`}>
          <span className="kind">{r.kind === 'client' ? 'clients' : r.kind}</span>{' '}
          {r.kind !== 'client' && <code>{r.name}</code>}
          {r.missing ? (
            <strong className="warning-text"> missing: admits no one</strong>
          ) : (
            <>
              {r.identities.length > 0 && (
                <ul>
                  {r.identities.map((i) => (
                    <li key={i}>
                      <code>{i}</code>
                    </li>
                  ))}
                </ul>
              )}
              {r.networks.length > 0 && <div>networks {r.networks.join(', ')}</div>}
              {r.unauthenticated && <div>with or without mTLS</div>}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
