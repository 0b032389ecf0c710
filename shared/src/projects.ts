export const PROJECT_STATUSES = [
  'planning',
  'active',
  'suspended',
  'completed',
  'warranty',
  'closed',
] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const PROJECT_STATUS_LABELS: Record<ProjectStatus, string> = {
  planning: '筹备中',
  active: '施工中',
  suspended: '暂停',
  completed: '已竣工',
  warranty: '质保期',
  closed: '已关闭',
};
