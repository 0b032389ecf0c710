import { platform } from '../../platform';
import { ROUTES } from '../../routes';
import { messageOf } from '../ui/errors';
import type { HomeEntry } from './HomeSections';

export const myProjectsEntry: HomeEntry = {
  key: 'projects',
  id: 'projects-entry',
  title: '我的项目',
  description: '进度、节点验收、现场照片',
  onClick: () => void platform.navigateTo(ROUTES.projects),
};

/**
 * 扫一扫: scan here (WeChat's scanner, or a typed code in a browser), then let the projects
 * subpackage read the code, so that its parser stays out of the main package.
 */
export const scanEntry: HomeEntry = {
  key: 'scan',
  id: 'scan-entry',
  title: '扫一扫',
  description: '扫描项目二维码，打开施工日志',
  onClick: () => {
    platform.scanCode().then(
      (text) => platform.navigateTo(`${ROUTES.scan}?text=${encodeURIComponent(text)}`),
      (error: unknown) => platform.toast(messageOf(error)),
    );
  },
};

/**
 * The project page a notice's home link (`pages/home/index?milestoneId=…`) stands for: the
 * notification templates point at home, which opens the record from there.
 */
export function noticeTarget(params: Partial<Record<string, string>>): string | null {
  const isId = (value?: string): value is string => !!value && /^[0-9a-f]{24}$/.test(value);
  if (isId(params.invoiceId)) return `${ROUTES.invoiceDetail}?id=${encodeURIComponent(params.invoiceId)}`;
  if (isId(params.milestoneId)) return `${ROUTES.milestone}?id=${encodeURIComponent(params.milestoneId)}`;
  if (isId(params.projectId)) return `${ROUTES.projectHome}?id=${encodeURIComponent(params.projectId)}`;
  return null;
}

/** Staff: change requests waiting for an acknowledgement or a quote, over all their projects. */
export const changeInboxEntry: HomeEntry = {
  key: 'change-requests',
  id: 'changes-entry',
  title: '变更',
  description: '待受理、待报价的变更申请',
  onClick: () => void platform.navigateTo(ROUTES.changes),
};

/** Staff: complaints and repairs with their deadlines (overdue first). */
export const feedbackBoardEntry: HomeEntry = {
  key: 'tickets',
  id: 'feedback-entry',
  title: '投诉与报修',
  description: '响应和处理时限，超时标红',
  onClick: () => void platform.navigateTo(ROUTES.feedback),
};

/** The project threads with unread messages (each project's own thread opens from its page). */
export const chatEntry: HomeEntry = {
  key: 'chat',
  id: 'chat-entry',
  title: '项目沟通',
  description: '未读消息',
  onClick: () => void platform.navigateTo(ROUTES.chat),
};
