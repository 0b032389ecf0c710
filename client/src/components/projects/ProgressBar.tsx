import { Text, View } from '@tarojs/components';

/** A plain percentage bar (NutUI's Progress adds a stylesheet for what three views do). */
export function ProgressBar({ id, percent }: { id?: string; percent: number }) {
  const clamped = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <View className="project-progress">
      <View className="project-progress-track">
        <View className="project-progress-fill" style={{ width: `${clamped}%` }} />
      </View>
      <Text id={id} className="project-progress-text">
        {clamped}%
      </Text>
    </View>
  );
}
