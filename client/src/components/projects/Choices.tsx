import { View } from '@tarojs/components';

interface ChoicesProps<T extends string | number> {
  /** DOM ids: `<idPrefix>-<value>` for each choice. */
  idPrefix: string;
  options: ReadonlyArray<{ value: T; label: string }>;
  value: T | null;
  onChange: (value: T) => void;
}

/** One-of-a-few chips (weather, severity, expiry): one tap, no picker to open. */
export function Choices<T extends string | number>({ idPrefix, options, value, onChange }: ChoicesProps<T>) {
  return (
    <View className="choice-row">
      {options.map((option) => (
        <View
          key={option.value}
          id={`${idPrefix}-${option.value}`}
          className={`choice${option.value === value ? ' active' : ''}`}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </View>
      ))}
    </View>
  );
}
