/** Which namespaces the graph shows: all of them, or the ticked ones. */
export function NamespacePicker({
  all,
  selected,
  onChange,
}: {
  all: string[];
  selected: string[];
  onChange: (list: string[]) => void;
}) {
  const chosen = new Set(selected);
  return (
    <details className="picker">
      <summary aria-label="Namespaces shown">
        Namespaces: {selected.length === 0 ? 'all' : selected.join(', ')}
      </summary>
      <fieldset>
        <legend>Namespaces</legend>
        <label>
          <input type="checkbox" checked={selected.length === 0} onChange={() => onChange([])} />{' '}
          all
        </label>
        {all.map((ns) => (
          <label key={ns}>
            <input
              type="checkbox"
              checked={chosen.has(ns)}
              onChange={() =>
                onChange(
                  chosen.has(ns) ? selected.filter((s) => s !== ns) : [...selected, ns].sort(),
                )
              }
            />{' '}
            {ns}
          </label>
        ))}
      </fieldset>
    </details>
  );
}
