import type { Scheduler } from './core/scheduler/scheduler';
import type { InviteService } from './modules/auth/invite.service';
import type { ScoringService } from './modules/crm/scoring/scoring.service';
import type { CustomerKeyRecompute } from './modules/crm/customer-key-recompute';
import type { DigestService } from './modules/notifications/digest.service';
import type { OutboxQueue } from './modules/notifications/outbox.queue';
import type { NoticeModel } from './modules/notifications/notice.model';
import type { InvoiceTriggers } from './modules/contracts/invoice-triggers';
import type { PaymentSettleJob } from './modules/payments/payment-settle.job';
import type { MilestoneDecisionService } from './modules/projects/milestone-decision.service';
import type { WeeklyReportService } from './modules/portal/weekly-report.service';
import type { OverdueService } from './modules/contracts/overdue.service';
import type { ReconciliationService } from './modules/reconciliation/reconciliation.service';
import type { EscalationService } from './modules/feedback/escalation.service';
import type { FileService } from './modules/files/file.service';

import type { ChangeDecisionService } from './modules/changes/change-decision.service';
import type { ChangeOutcomeService } from './modules/changes/change-outcome.service';
import type { HealthReportService } from './modules/insights/health.service';
import type { ChurnService } from './modules/insights/churn.service';
import type { AnomalyService } from './modules/insights/anomaly.service';

/** The services the jobs call (the container's services object satisfies it). */
export interface JobServices {
  changeDecisions: ChangeDecisionService;
  changeOutcomeRunner: ChangeOutcomeService;
  invites: InviteService;
  digest: DigestService;
  outboxQueue: OutboxQueue;
  scoring: ScoringService;
  customerKeyRecompute: CustomerKeyRecompute;
  milestoneDecisions: MilestoneDecisionService;
  feedbackEscalation: EscalationService;
  files: FileService;
  weeklyReports: WeeklyReportService;
  overdue: OverdueService;
  reconciliation: ReconciliationService;
  invoiceTriggers: InvoiceTriggers;
  paymentSettleJob: PaymentSettleJob;
  healthReports: HealthReportService;
  churn: ChurnService;
  anomalies: AnomalyService;
}

/**
 * THE list of scheduled jobs. Each job is a thin entry point that calls one service method; the
 * scheduler adds the Redis locks, the run records and the timeout. Cron and on/off can be
 * overridden per job in config `scheduler.jobs.<name>`.
 */
export function registerJobs(scheduler: Scheduler, services: JobServices, notices: NoticeModel): void {
  scheduler.register({
    name: 'contracts.mark-overdue',
    description:
      '把过了到期日仍未付清的付款通知标记为逾期，并按逾期天数逐级提醒（客户、销售和财务、上级；每级只提醒一次，已约定付款安排的暂停）',
    cron: '0 30 9 * * *',
    timeoutMs: 15 * 60_000,
    run: ({ tick }) => services.overdue.run(tick),
  });
  scheduler.register({
    name: 'payments.reconcile',
    description:
      '下载前一天的微信支付交易账单（10 点后发布，校验 SHA1），与我方支付和退款逐笔核对并生成对账报告',
    cron: '0 30 10 * * *',
    timeoutMs: 30 * 60_000,
    run: ({ tick }) => services.reconciliation.runPrevious(tick),
  });
  scheduler.register({
    name: 'projects.auto-confirm-milestones',
    description: '自动确认超过确认期限仍未处理的待确认节点，并通知客户和项目人员',
    cron: '0 */15 * * * *',
    timeoutMs: 10 * 60_000,
    run: ({ tick }) => services.milestoneDecisions.autoConfirmDue(tick),
  });
  scheduler.register({
    name: 'invites.purge-expired',
    description: '删除过期超过 30 天的客户邀请码',
    cron: '0 30 3 * * *',
    timeoutMs: 5 * 60_000,
    run: () => services.invites.purgeExpired(30),
  });
  scheduler.register({
    name: 'notifications.daily-digest',
    description: '把当天暂缓推送的通知汇总成一条站内消息摘要',
    cron: '0 0 20 * * *',
    timeoutMs: 10 * 60_000,
    run: () => services.digest.buildDigests(),
  });
  scheduler.register({
    name: 'notifications.outbox-resync',
    description: '把队列中遗失的待发送通知重新排入发送队列',
    cron: '0 */5 * * * *',
    timeoutMs: 2 * 60_000,
    run: async () => ({ requeued: await services.outboxQueue.resync(notices) }),
  });
  scheduler.register({
    name: 'crm.recompute-customer-keys',
    description:
      '用当前的规范化规则重新计算旧客户的查重键（全角、零宽字符等），使不同写法的重复客户被识别；只处理尚未更新的客户',
    // Frequent so that a deploy's new keys hold within minutes; a run with nothing to do is one indexed read.
    cron: '0 */10 * * * *',
    timeoutMs: 30 * 60_000,
    run: async () => ({ ...(await services.customerKeyRecompute.run()) }),
  });
  scheduler.register({
    name: 'crm.rescore',
    description: '按评分模型重新计算全部客户的评分和等级',
    cron: '0 0 3 * * *',
    timeoutMs: 30 * 60_000,
    run: () => services.scoring.recompute(),
  });
  scheduler.register({
    name: 'feedback.escalate-overdue',
    description: '投诉和报修超过响应或处理时限的，升级给项目经理的上级（每个超时只升级一次）',
    cron: '0 */10 * * * *',
    timeoutMs: 5 * 60_000,
    run: () => services.feedbackEscalation.escalateOverdue(),
  });
  scheduler.register({
    name: 'files.purge-unattached',
    description: '删除上传后 30 天仍未关联到任何记录的文件，以及中断的上传留下的记录和没有记录的文件内容',
    cron: '0 0 4 * * *',
    timeoutMs: 10 * 60_000,
    run: () => services.files.purgeUnattached(30),
  });
  scheduler.register({
    name: 'projects.weekly-reports',
    description: '每周一为施工中的项目生成上周周报草稿（项目经理开启自动发送的直接发给客户）',
    cron: '0 0 8 * * 1',
    timeoutMs: 30 * 60_000,
    run: ({ tick }) => services.weeklyReports.compileWeek(tick),
  });
  scheduler.register({
    name: 'contracts.issue-scheduled-invoices',
    description: '按付款计划开具到期的付款通知（约定日期已到的分期，以及遗漏的签约或节点确认分期）',
    cron: '0 5 0 * * *',
    timeoutMs: 10 * 60_000,
    run: ({ tick }) => services.invoiceTriggers.issueScheduled(tick),
  });
  scheduler.register({
    name: 'payments.settle-unpaid',
    description: '查询几分钟仍未支付的微信订单与处理中的退款并按结果入账（通知丢失也不漏账），过期订单关闭',
    cron: '20 * * * * *',
    timeoutMs: 5 * 60_000,
    run: ({ tick }) => services.paymentSettleJob.run(tick),
  });
  scheduler.register({
    name: 'changes.expire-quotes',
    description: '变更报价超过有效期未确认的，标记为已过期并通知客户和项目经理',
    cron: '0 */15 * * * *',
    timeoutMs: 5 * 60_000,
    run: ({ tick }) => services.changeDecisions.expireDue(tick),
  });
  scheduler.register({
    name: 'changes.resume-approvals',
    description: '补完因中断未执行完的变更批准步骤（节点日期、合同变更、通知），每一步只执行一次',
    cron: '30 */5 * * * *',
    timeoutMs: 5 * 60_000,
    run: ({ tick }) => services.changeOutcomeRunner.resumeAll(tick),
  });
  scheduler.register({
    name: 'insights.health-report',
    description:
      '每周一为每位销售生成其客户的健康周报（评分和等级变化、逾期、低分评价、未关闭投诉、久未联系），推送企业微信和站内信',
    cron: '0 30 8 * * 1',
    timeoutMs: 30 * 60_000,
    run: ({ tick }) => services.healthReports.buildWeek(tick),
  });
  scheduler.register({
    name: 'insights.churn-refit',
    description: '每周用公司自己的历史重新拟合客户流失模型，给每个客户打分，超过阈值的提醒客户负责人',
    cron: '0 0 6 * * 1',
    timeoutMs: 30 * 60_000,
    run: ({ tick }) => services.churn.refit(tick),
  });
  scheduler.register({
    name: 'insights.anomaly-scan',
    description:
      '检查近 7 天的付款通知、付款、退款和变更报价，金额或时间明显偏离客户和公司历史的，提醒财务或客户负责人',
    cron: '0 0 7 * * *',
    timeoutMs: 30 * 60_000,
    run: ({ tick }) => services.anomalies.scan(tick),
  });
}
