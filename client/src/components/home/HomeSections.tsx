import { Cell, CellGroup } from '../ui';

export interface HomeEntry {
  key: string;
  title: string;
  description?: string;
}

/** A list of the role's work areas; each becomes a real page as its feature lands. */
export function HomeSections({ entries }: { entries: HomeEntry[] }) {
  return (
    <CellGroup className="home-sections">
      {entries.map((entry) => (
        <Cell
          key={entry.key}
          id={`home-entry-${entry.key}`}
          title={entry.title}
          description={entry.description ?? '即将上线'}
        />
      ))}
    </CellGroup>
  );
}
