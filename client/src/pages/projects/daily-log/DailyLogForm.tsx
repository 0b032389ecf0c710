import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { DailyLog, FileRef, Weather } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { PhotoPicker } from '../../../components/projects/PhotoPicker';
import { TextArea } from '../../../components/projects/ui';
import { Button, Input, Switch } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import { WEATHER_OPTIONS, createDailyLog, updateDailyLog, type DailyLogInput } from '../../../services/site';

interface FormState {
  weather: Weather | null;
  temperature: string;
  headcount: string;
  workDone: string;
  problems: string;
  photos: FileRef[];
  customerVisible: boolean;
}

function initial(log: DailyLog | null): FormState {
  return {
    weather: log?.weather ?? null,
    temperature: log?.temperature === null || log?.temperature === undefined ? '' : String(log.temperature),
    headcount: log ? String(log.headcount) : '',
    workDone: log?.workDone ?? '',
    problems: log?.problems ?? '',
    photos: log?.photos ?? [],
    customerVisible: log?.customerVisible ?? false,
  };
}

/** The form's input, or the first thing missing as a message. */
function toInput(form: FormState): DailyLogInput | string {
  if (!form.weather) return '请选择天气';
  const headcount = Number(form.headcount);
  if (form.headcount.trim() === '' || !Number.isInteger(headcount) || headcount < 0) return '请填写施工人数';
  const temperature = form.temperature.trim() === '' ? null : Number(form.temperature);
  if (temperature !== null && !Number.isInteger(temperature)) return '温度须为整数';
  if (!form.workDone.trim()) return '请填写今日完成的工作';
  return {
    weather: form.weather,
    temperature,
    headcount,
    workDone: form.workDone.trim(),
    problems: form.problems.trim(),
    photoIds: form.photos.map((p) => p.id),
    customerVisible: form.customerVisible,
  };
}

/** Today's log: written once per person per day, editable that day (`existing` then). */
export function DailyLogForm(props: {
  projectId: string;
  existing: DailyLog | null;
  onSaved: (log: DailyLog) => void;
}) {
  const [form, setForm] = useState<FormState>(() => initial(props.existing));
  const [uploading, setUploading] = useState(false);
  const { busy, error, run } = useSubmit();
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const save = () => {
    const input = toInput(form);
    if (typeof input === 'string') {
      platform.toast(input);
      return;
    }
    void run(async () => {
      const saved = props.existing
        ? await updateDailyLog(props.existing.id, input)
        : await createDailyLog(props.projectId, input);
      platform.toast('日志已保存', 'success');
      props.onSaved(saved);
    });
  };

  return (
    <View id="daily-log-form">
      <Text className="form-label">天气</Text>
      <Choices
        idPrefix="log-weather"
        options={WEATHER_OPTIONS}
        value={form.weather}
        onChange={(w) => set('weather', w)}
      />
      <Text className="form-label">温度（°C，可选）</Text>
      <View id="log-temperature" className="form-field">
        <Input
          type="digit"
          placeholder="如 18"
          value={form.temperature}
          onChange={(v) => set('temperature', v)}
        />
      </View>
      <Text className="form-label">施工人数</Text>
      <View id="log-headcount" className="form-field">
        <Input
          type="number"
          placeholder="今日在场人数"
          value={form.headcount}
          onChange={(v) => set('headcount', v)}
        />
      </View>
      <Text className="form-label">今日完成</Text>
      <View id="log-work-done" className="form-field">
        <TextArea
          value={form.workDone}
          onChange={(v) => set('workDone', v)}
          placeholder="今日完成的工作"
          maxLength={4000}
        />
      </View>
      <Text className="form-label">存在问题（可选）</Text>
      <View id="log-problems" className="form-field">
        <TextArea
          value={form.problems}
          onChange={(v) => set('problems', v)}
          placeholder="遇到的问题"
          maxLength={4000}
        />
      </View>
      <Text className="form-label">现场照片</Text>
      <PhotoPicker
        projectId={props.projectId}
        customerVisible={form.customerVisible}
        photos={form.photos}
        onChange={(photos) => set('photos', photos)}
        onBusyChange={setUploading}
        idPrefix="log"
      />
      <View className="form-switch-row">
        <Text className="form-switch-label">客户可见</Text>
        <Switch
          id="log-customer-visible"
          checked={form.customerVisible}
          onChange={(v) => set('customerVisible', v)}
        />
      </View>
      <View className="actions">
        <Button id="log-save" block type="primary" loading={busy} disabled={uploading} onClick={save}>
          {props.existing ? '保存修改' : '提交日志'}
        </Button>
      </View>
      <ErrorText id="log-error" message={error} />
    </View>
  );
}
