import { View } from '@tarojs/components';
import { Cell, CellGroup } from '../ui';

export interface HomeEntry {
  key: string;
  title: string;
  description?: string;
  /** Set once the area has a page: the entry opens it. */
  onClick?: () => void;
  /** The DOM id of a live entry (default `home-entry-<key>`). */
  id?: string;
}

/** A list of the role's work areas; each becomes a real page as its feature lands. */
export function HomeSections({ entries }: { entries: HomeEntry[] }) {
  return (
    <CellGroup className="home-sections">
      {entries.map((entry) =>
        entry.onClick ? (
          <View key={entry.key} id={entry.id ?? `home-entry-${entry.key}`} onClick={entry.onClick}>
            <Cell clickable title={entry.title} description={entry.description} />
          </View>
        ) : (
          <Cell
            key={entry.key}
            id={`home-entry-${entry.key}`}
            title={entry.title}
            description={entry.description ?? '即将上线'}
          />
        ),
      )}
    </CellGroup>
  );
}
