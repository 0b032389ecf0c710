import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import type { WeeklyReportView } from '@gantry/shared';
import { PhotoGrid } from '../../../components/projects/PhotoGrid';
import { Button } from '../../../components/ui';
import { formatDate, formatDateTime, sendWeeklyReport, varianceText } from '../../../services/projects';

/** `weekEnd` is the next Monday 00:00 (exclusive): the week's last day is the Sunday before it. */
function lastDayOf(weekEnd: string): string {
  return formatDate(new Date(new Date(weekEnd).getTime() - 1).toISOString());
}

const SEVERITY_LABELS: Record<string, string> = { low: '低', medium: '中', high: '高', critical: '紧急' };

interface ReportCardProps {
  report: WeeklyReportView;
  /** The PM (or an admin): drafts get the one-tap send. */
  canSend: boolean;
  onChanged: (report: WeeklyReportView) => void;
}

/** The week's content: progress, what happened, next week's plan, open issues and photos. */
function ReportBody({ report }: { report: WeeklyReportView }) {
  const id = report.id;
  return (
    <View id={`weekly-body-${id}`}>
      <Text className="project-section-title">本周进展（施工日志 {report.dailyLogCount} 篇）</Text>
      {report.thisWeek.length === 0 && <Text className="project-empty">本周暂无动态</Text>}
      {report.thisWeek.map((item, i) => (
        <View key={`${item.at}-${i}`} className="timeline-item">
          <Text className="timeline-title">{item.title}</Text>
          <Text className="project-meta">{item.summary}</Text>
          <Text className="timeline-time">{formatDateTime(item.at)}</Text>
        </View>
      ))}
      <Text className="project-section-title">下周计划</Text>
      {report.nextWeek.length === 0 && <Text className="project-empty">下周无计划完成的节点</Text>}
      {report.nextWeek.map((m) => (
        <Text key={m.id} className="project-meta">
          {m.name}
          {m.plannedEnd ? `（计划 ${formatDate(m.plannedEnd)} 完成）` : ''}
        </Text>
      ))}
      <Text className="project-section-title">待解决问题</Text>
      {report.openIssues.length === 0 && <Text className="project-empty">无</Text>}
      {report.openIssues.map((issue) => (
        <Text key={issue.id} className="project-meta">
          [{SEVERITY_LABELS[issue.severity] ?? issue.severity}] {issue.title}
        </Text>
      ))}
      <PhotoGrid photos={report.photos} idPrefix={`weekly-photo-${id}`} />
    </View>
  );
}

/** One weekly report: a summary line, expandable to the full report; drafts can be sent by the PM. */
export function ReportCard({ report, canSend, onChanged }: ReportCardProps) {
  const [open, setOpen] = useState(false);
  const [sending, setSending] = useState(false);
  const id = report.id;

  async function send() {
    setSending(true);
    try {
      onChanged(await sendWeeklyReport(id));
    } catch {
      // Toasted by the http layer; the draft stays as it is.
    } finally {
      setSending(false);
    }
  }

  return (
    <View id={`weekly-item-${id}`} className="project-card">
      <View className="project-row" onClick={() => setOpen(!open)}>
        <Text className="project-name">
          {formatDate(report.weekStart)} ~ {lastDayOf(report.weekEnd)}
        </Text>
        <Text id={`weekly-status-${id}`} className="project-tag">
          {report.status === 'sent' ? '已发送' : '草稿'}
        </Text>
      </View>
      <Text className="project-meta">
        总进度 {report.progress}% · {varianceText(report.scheduleVarianceDays)} · 待解决问题{' '}
        {report.openIssues.length} 个
      </Text>
      {report.sentAt && (
        <Text className="project-meta">
          {report.autoSent ? '自动发送' : `${report.sentBy?.name ?? ''} 发送`}于{' '}
          {formatDateTime(report.sentAt)}
        </Text>
      )}
      {open && <ReportBody report={report} />}
      <View className="actions">
        <Button id={`weekly-toggle-${id}`} size="small" onClick={() => setOpen(!open)}>
          {open ? '收起' : '查看周报'}
        </Button>
        {canSend && report.status === 'draft' && (
          <Button id={`weekly-send-${id}`} size="small" type="primary" loading={sending} onClick={send}>
            发送给客户
          </Button>
        )}
      </View>
    </View>
  );
}
