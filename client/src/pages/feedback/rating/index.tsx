import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { Rating } from '@gantry/shared';
import { Choices } from '../../../components/projects/Choices';
import { TextArea } from '../../../components/projects/ui';
import { Button } from '../../../components/ui';
import { ErrorText } from '../../../components/ui/ErrorText';
import { useSubmit } from '../../../hooks/useSubmit';
import { platform } from '../../../platform';
import {
  RATING_DIMENSIONS,
  getRating,
  rate,
  type RatingInput,
  type RatingTarget,
} from '../../../services/feedback';
import { formatDateTime } from '../../../services/projects';
import '../../../components/projects/projects.css';
import '../feedback.css';

type Scores = Omit<RatingInput, 'comment'>;
type ScoreKey = keyof Scores;
const STARS = [1, 2, 3, 4, 5].map((n) => ({ value: n, label: '★'.repeat(n) }));
const ROWS: ReadonlyArray<{ key: ScoreKey; label: string }> = [
  { key: 'overall', label: '总体评价' },
  ...RATING_DIMENSIONS,
];

function scoresOf(r: Rating | null): Partial<Scores> {
  if (!r) return {};
  const { overall, quality, schedule, communication, tidiness } = r;
  return { overall, quality, schedule, communication, tidiness };
}

/**
 * 节点评价 (`?milestoneId=`) or 项目评价 (`?projectId=`, once the project is completed): 1–5 overall
 * and per dimension, and a comment; editable for 7 days.
 */
export default function RatingPage() {
  const { milestoneId, projectId } = useRouter().params;
  const target: RatingTarget = milestoneId
    ? { kind: 'milestone', id: milestoneId }
    : { kind: 'project', id: projectId ?? '' };
  const [existing, setExisting] = useState<Rating | null>(null);
  const [scores, setScores] = useState<Partial<Scores>>({});
  const [comment, setComment] = useState('');
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    if (!target.id) return;
    void getRating(target).then((r) => {
      setExisting(r);
      setScores(scoresOf(r));
      setComment(r?.comment ?? '');
    });
  }, [target.kind, target.id]);

  const submit = () => {
    const missing = ROWS.find((row) => !scores[row.key]);
    if (missing) return platform.toast(`请为${missing.label}打分`);
    void run(async () => {
      const saved = await rate(target, { ...(scores as Scores), comment: comment.trim() });
      setExisting(saved);
      platform.toast('感谢您的评价', 'success');
    });
  };

  const locked = existing !== null && !existing.editable;
  return (
    <View id="rating-form" className="page rating-page">
      <Text className="page-title">{target.kind === 'milestone' ? '节点评价' : '项目评价'}</Text>
      {ROWS.map((row) => (
        <View key={row.key} className="project-card">
          <Text className="form-label">{row.label}</Text>
          <Choices
            idPrefix={`rating-${row.key}`}
            options={STARS}
            value={scores[row.key] ?? null}
            onChange={(v) => (locked ? undefined : setScores((s) => ({ ...s, [row.key]: v })))}
          />
        </View>
      ))}
      <Text className="form-label">评价（可选）</Text>
      <View id="rating-comment" className="form-field">
        <TextArea
          value={comment}
          onChange={setComment}
          placeholder="说说您的感受"
          maxLength={1000}
          disabled={locked}
        />
      </View>
      {existing && (
        <Text className="hint">
          {existing.editable ? `${formatDateTime(existing.editableUntil)} 前可以修改` : '评价已超过修改期限'}
        </Text>
      )}
      {!locked && (
        <View className="actions">
          <Button id="rating-submit" block type="primary" loading={busy} onClick={submit}>
            {existing ? '修改评价' : '提交评价'}
          </Button>
        </View>
      )}
      <ErrorText id="rating-error" message={error} />
    </View>
  );
}
