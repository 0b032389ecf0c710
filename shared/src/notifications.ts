import { z } from 'zod';

/** Domain events that notify someone. Domains publish them; config maps each to recipients and channels. */
export const NOTIFY_EVENTS = [
  'milestone.awaiting_confirmation',
  'milestone.confirmed',
  'milestone.rejected',
  'milestone.auto_confirmed',
  'change_request.quoted',
  'change_request.approved',
  'invoice.due',
  'invoice.overdue',
  'invoice.overdue_staff',
  'invoice.overdue_manager',
  'payment.received',
  'rating.low',
  'complaint.escalated',
  'complaint.opened',
  'complaint.resolved',
  'complaint.reopened',
  'repair.filed',
  'repair.scheduled',
  'repair.fixed',
  'repair.reopened',
  'repair.escalated',
  'chat.message',
  'customer.tier_dropped',
  'project.weekly_report',
  'site_issue.assigned',
  'contract.approval_requested',
  'contract.approved',
  'contract.rejected',
  'invoice.issued',
  'invoice.paid',
  'change_request.submitted',
  'change_request.rejected',
  'change_request.expired',
  'rating.invited',
  'payment.succeeded',
  'refund.requested',
  'refund.succeeded',
  'customer.churn_risk',
  'insights.health_report',
  'anomaly.flagged_finance',
  'anomaly.flagged_owner',
  'auth.sign_in_throttled',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export const NOTIFY_EVENT_LABELS: Record<NotifyEvent, string> = {
  'milestone.awaiting_confirmation': '节点待确认',
  'milestone.confirmed': '节点已确认',
  'milestone.rejected': '节点被驳回',
  'milestone.auto_confirmed': '节点已自动确认',
  'change_request.quoted': '变更报价',
  'change_request.approved': '变更已批准',
  'invoice.due': '账单到期',
  'invoice.overdue': '账单逾期',
  'invoice.overdue_staff': '账单逾期催收',
  'invoice.overdue_manager': '账单逾期升级',
  'payment.received': '收到付款',
  'rating.low': '低分评价',
  'complaint.escalated': '投诉升级',
  'complaint.opened': '新投诉',
  'complaint.resolved': '投诉已处理',
  'complaint.reopened': '投诉被重新打开',
  'repair.filed': '新报修',
  'repair.scheduled': '报修上门时间',
  'repair.fixed': '报修已维修',
  'repair.reopened': '报修返修',
  'repair.escalated': '报修升级',
  'chat.message': '项目消息',
  'customer.tier_dropped': '客户降级为风险',
  'project.weekly_report': '项目周报',
  'site_issue.assigned': '现场问题指派',
  'contract.approval_requested': '合同待审批',
  'contract.approved': '合同已生效',
  'contract.rejected': '合同被驳回',
  'invoice.issued': '新付款通知',
  'invoice.paid': '账单已付清',
  'change_request.submitted': '新变更申请',
  'change_request.rejected': '变更被拒绝',
  'change_request.expired': '变更报价过期',
  'rating.invited': '邀请评价',
  'customer.churn_risk': '客户流失风险',
  'insights.health_report': '客户健康周报',
  'anomaly.flagged_finance': '异常提醒（财务）',
  'anomaly.flagged_owner': '异常提醒',
  'payment.succeeded': '付款成功',
  'refund.requested': '退款申请',
  'refund.succeeded': '退款成功',
  'auth.sign_in_throttled': '账号登录异常',
};

export const CHANNELS = ['inbox', 'subscribe', 'wecom'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DELIVERY_MODES = ['instant', 'digest'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

export const inboxItemSchema = z.object({
  id: z.string(),
  eventType: z.string(),
  title: z.string(),
  body: z.string(),
  page: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const inboxQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

export const preferenceSchema = z.strictObject({
  eventType: z.enum(NOTIFY_EVENTS),
  enabled: z.boolean(),
  mode: z.enum(DELIVERY_MODES),
});
export type Preference = z.infer<typeof preferenceSchema>;

export const preferencesBodySchema = z.strictObject({
  preferences: z.array(preferenceSchema).min(1).max(NOTIFY_EVENTS.length),
});

export const preferenceViewSchema = preferenceSchema.extend({ label: z.string() });
export type PreferenceView = z.infer<typeof preferenceViewSchema>;

/** The raw result of wx.requestSubscribeMessage: templateId → accept / reject / ban / filter. */
export const subscribeResultsSchema = z.strictObject({
  results: z.record(z.string().min(1).max(64), z.enum(['accept', 'reject', 'ban', 'filter'])),
});
export type SubscribeResults = z.infer<typeof subscribeResultsSchema>;

/** Moments at which the client asks for subscribe consent, and the templates it asks for there. */
export const SUBSCRIBE_MOMENTS = ['milestone_confirm', 'invoice_pay', 'change_request', 'repair'] as const;
export type SubscribeMoment = (typeof SUBSCRIBE_MOMENTS)[number];

export const grantViewSchema = z.object({
  templateId: z.string(),
  title: z.string(),
  remaining: z.number().int(),
});
export type GrantView = z.infer<typeof grantViewSchema>;

export const NOTICE_STATUSES = [
  'pending',
  'delivering',
  'sent',
  'skipped',
  'digest',
  'digested',
  'failed',
  'dead',
] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export const noticeAdminQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(['dead', 'failed', 'pending']).default('dead'),
});

export const noticeViewSchema = z.object({
  id: z.string(),
  eventType: z.string(),
  channel: z.string(),
  recipientId: z.string(),
  title: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
});
