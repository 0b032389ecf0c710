import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { DeliveryMode, PreferenceView } from '@gantry/shared';
import { Button, Radio, Switch } from '../../components/ui';
import { ErrorText } from '../../components/ui/ErrorText';
import { messageOf } from '../../components/ui/errors';
import { useSubmit } from '../../hooks/useSubmit';
import { platform } from '../../platform';
import { getPreferences, savePreferences } from '../../services/notifications';
import './index.css';

const MODE_OPTIONS: { label: string; value: DeliveryMode }[] = [
  { label: '即时', value: 'instant' },
  { label: '每日汇总', value: 'digest' },
];

/** Event types contain dots, which would need escaping in every selector. */
const rowId = (eventType: string) => eventType.replace(/\./g, '-');

function PreferenceRow({
  preference,
  onChange,
}: {
  preference: PreferenceView;
  onChange: (next: PreferenceView) => void;
}) {
  const id = rowId(preference.eventType);
  return (
    <View id={`pref-${id}`} className="pref-row">
      <View className="pref-head">
        <Text className="pref-label">{preference.label}</Text>
        <Switch
          id={`pref-switch-${id}`}
          checked={preference.enabled}
          onChange={(enabled) => onChange({ ...preference, enabled })}
        />
      </View>
      <Radio.Group
        id={`pref-mode-${id}`}
        className="pref-modes"
        direction="horizontal"
        shape="button"
        value={preference.mode}
        disabled={!preference.enabled}
        options={MODE_OPTIONS}
        onChange={(mode) => onChange({ ...preference, mode: mode as DeliveryMode })}
      />
    </View>
  );
}

/** 通知设置: per event type, whether to be told and whether at once or in the daily digest. */
export default function PreferencesPage() {
  const [preferences, setPreferences] = useState<PreferenceView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    getPreferences().then(setPreferences, (caught: unknown) => setLoadError(messageOf(caught)));
  }, []);

  const change = (next: PreferenceView) =>
    setPreferences((current) => current?.map((p) => (p.eventType === next.eventType ? next : p)) ?? null);

  const save = () =>
    run(async () => {
      if (!preferences) return;
      const saved = await savePreferences(
        preferences.map(({ eventType, enabled, mode }) => ({ eventType, enabled, mode })),
      );
      setPreferences(saved);
      platform.toast('已保存', 'success');
    });

  if (!preferences) {
    return (
      <View className="page">
        <Text className="hint">{loadError ?? '加载中…'}</Text>
      </View>
    );
  }
  return (
    <View className="page preferences-page">
      <Text className="page-title">通知设置</Text>
      {preferences.length === 0 && <Text className="hint">暂无可设置的通知</Text>}
      {preferences.map((p) => (
        <PreferenceRow key={p.eventType} preference={p} onChange={change} />
      ))}
      <ErrorText id="preferences-error" message={error} />
      <View className="actions">
        <Button
          id="preferences-save"
          type="primary"
          block
          loading={busy}
          disabled={preferences.length === 0}
          onClick={() => void save()}
        >
          保存
        </Button>
      </View>
    </View>
  );
}
