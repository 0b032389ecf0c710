import type { Connection } from 'mongoose';
import type { AppConfig } from './core/config';
import { AuditLog } from './core/audit';
import { SessionStore } from './core/auth/session-store';
import { connectDatabase, ensureIndexes } from './core/db';
import { createRateLimiters, type RateLimiters } from './core/http/rate-limit';
import type { AnyRoute } from './core/http/route';
import { clientConfigRoute } from './core/http/client-config';
import type { Logger } from './core/logger';
import { Policy } from './core/policy';
import { createRedis, type Redis } from './core/redis';
import { jobRunModel } from './core/scheduler/job-run.model';
import { jobsRoutes } from './core/scheduler/jobs.routes';
import { Scheduler } from './core/scheduler/scheduler';
import { EventBus } from './core/events';
import { createAccessTokens } from './integrations/wechat/access-token';
import { createWechatLogin, type WechatLogin } from './integrations/wechat/login';
import { createSubscribeMessages, type SubscribeMessages } from './integrations/wechat/subscribe';
import { createWecomRobot, type WecomRobot } from './integrations/wechat/wecom-robot';
import { AccountDirectory } from './modules/auth/account-directory';
import { createNotificationsModule } from './modules/notifications/notifications.module';
import { registerJobs } from './jobs';
import { AuthService } from './modules/auth/auth.service';
import { authRoutes } from './modules/auth/auth.routes';
import { InviteService } from './modules/auth/invite.service';
import { KnownDevices } from './modules/auth/known-devices';
import { PasswordService } from './modules/auth/password.service';
import { SignInThrottle } from './modules/auth/sign-in-throttle';
import { inviteRoutes } from './modules/auth/invite.routes';
import { inviteModel, inviteRedemptionModel } from './modules/auth/invite.model';
import { portalAccountModel } from './modules/auth/portal-account.model';
import { StaffAdminService } from './modules/auth/staff-admin.service';
import { staffAdminRoutes } from './modules/auth/staff-admin.routes';
import { staffUserModel } from './modules/auth/staff-user.model';
import { customerModel } from './modules/crm/customer.model';
import { customerKeyModel } from './modules/crm/customer-key.model';
import { customerImportRoutes } from './modules/crm/customer-import.routes';
import { customerRoutes } from './modules/crm/customer.routes';
import { RedisLock } from './core/redis-lock';
import { registerCustomerPolicy } from './modules/crm/customer.policy';
import { CustomerService } from './modules/crm/customer.service';
import { CustomerKeyRecompute } from './modules/crm/customer-key-recompute';
import { projectModel } from './modules/projects/project.model';
import { ProjectAccess, registerProjectPolicy } from './modules/projects/project.policy';
import { timelineModel } from './modules/projects/timeline.model';
import { TimelineService } from './modules/projects/timeline.service';
import { milestoneModels } from './modules/projects/milestone.model';
import { createProjectModule } from './modules/projects/project.module';
import { opportunityModels } from './modules/crm/opportunity.model';
import { opportunityRoutes } from './modules/crm/opportunity.routes';
import { OpportunityService } from './modules/crm/opportunity.service';
import { PastCooperationReader } from './modules/crm/past-cooperation';
import { createScoringModule } from './modules/crm/scoring/scoring.module';
import { scoringModelModel } from './modules/crm/scoring/scoring-model.model';
import { LocalDiskStorage } from './core/files/local-disk-storage';
import { UrlSigner } from './core/files/signed-url';
import { fileModel } from './modules/files/file.model';
import { fileRoutes } from './modules/files/file.routes';
import { FileService } from './modules/files/file.service';
import { createSiteModule, siteModels } from './modules/site/site.module';
import { createPortalModule } from './modules/portal/portal.module';
import { responseClockModel } from './modules/feedback/response-clock.model';
import { responseClockRoutes } from './modules/feedback/response-clock.routes';
import { ResponseClockService } from './modules/feedback/response-clock.service';
import { complaintModels, createComplaintsModule } from './modules/feedback/complaint.module';
import { chatModels } from './modules/feedback/chat.model';
import { createChatModule } from './modules/feedback/chat.module';
import { contractsModels, createContractsModule } from './modules/contracts/contracts.module';
import { milestoneModels as contractMilestones } from './modules/projects/milestone.model';
import { changeModels, createChangesModule } from './modules/changes/changes.module';
import { createRatingsModule, ratingModels } from './modules/feedback/rating.module';
import { RecordedContractTotals } from './modules/changes/contract-totals';
import { paymentsModels } from './modules/payments/payments.models';
import { createOverdueModule, overdueStepModel } from './modules/contracts/overdue.module';
import {
  createReconciliationModule,
  reconciliationModels,
  tradeBillSourceFor,
} from './modules/reconciliation/reconciliation.module';
import { MongoPaymentLedger } from './modules/payments/payment-ledger';
import { createPaymentsModule } from './modules/payments/payments.module';
import { createInsightsModule, insightsModels } from './modules/insights/insights.module';

/** Integrations a test may replace with its own (they still speak to the WeChat simulator). */
export interface Integrations {
  wechatLogin: WechatLogin;
  subscribeMessages: SubscribeMessages;
  wecomRobot: WecomRobot;
}

/**
 * The composition root: connections, models, services and routes, built once per app instance.
 * Nothing below this file constructs its own dependencies.
 */
export async function buildContainer(
  config: Readonly<AppConfig>,
  logger: Logger,
  overrides: Partial<Integrations> = {},
) {
  const conn: Connection = await connectDatabase(config.mongodb.uri, config.mongodb);
  const redis: Redis = createRedis(config.redis.url, config.redis.keyPrefix, config.redis);
  // Both emit 'error' while the link is down; requests already answer 503 for it, so it is logged,
  // never left without a listener (an 'error' event nobody hears would end the process).
  conn.on('error', (err: unknown) => logger.warn({ err }, 'database connection error'));
  redis.on('error', (err: unknown) => logger.warn({ err }, 'redis connection error'));
  const http = { baseUrl: config.wechat.apiBaseUrl, timeoutMs: config.wechat.requestTimeoutMs };
  const wechatApp = { ...http, appId: config.wechat.appId, appSecret: config.wechat.appSecret };
  const integrations: Integrations = {
    wechatLogin: createWechatLogin(wechatApp),
    subscribeMessages: createSubscribeMessages(createAccessTokens(redis, wechatApp), {
      ...http,
      miniprogramState: config.notifications.miniprogramState,
    }),
    wecomRobot: createWecomRobot({
      baseUrl: config.wechat.wecomBaseUrl,
      timeoutMs: config.wechat.requestTimeoutMs,
    }),
    ...overrides,
  };
  const events = new EventBus(logger);

  const models = {
    staffUsers: staffUserModel(conn),
    portalAccounts: portalAccountModel(conn),
    invites: inviteModel(conn),
    inviteRedemptions: inviteRedemptionModel(conn),
    customers: customerModel(conn),
    customerKeys: customerKeyModel(conn),
    projects: projectModel(conn),
    projectTimeline: timelineModel(conn),
    ...milestoneModels(conn),
    ...opportunityModels(conn),
    scoringModels: scoringModelModel(conn),
    files: fileModel(conn),
    ...siteModels(conn),
    responseClocks: responseClockModel(conn),
    ...complaintModels(conn),
    ...chatModels(conn),
    ...contractsModels(conn),
    ...changeModels(conn),
    ...ratingModels(conn),
    ...paymentsModels(conn),
    overdueSteps: overdueStepModel(conn),
    ...reconciliationModels(conn),
    ...insightsModels(conn),
  };
  const audit = new AuditLog(conn);
  const jobRuns = jobRunModel(conn);
  const notifications = createNotificationsModule({
    conn,
    redis,
    logger,
    audit,
    events,
    directory: new AccountDirectory(models.staffUsers, models.portalAccounts),
    subscribeMessages: integrations.subscribeMessages,
    wecomRobot: integrations.wecomRobot,
    config: config.notifications,
  });
  await ensureIndexes(conn);

  const policy = new Policy();
  registerCustomerPolicy(policy);
  registerProjectPolicy(policy);
  const projectAccess = new ProjectAccess({ projects: models.projects, policy });
  const timeline = new TimelineService({ timeline: models.projectTimeline });
  const sessions = new SessionStore(redis);
  const limiters: RateLimiters = createRateLimiters(redis, config.rateLimit);

  const customers = new CustomerService({
    ...models,
    policy,
    audit,
    directory: new AccountDirectory(models.staffUsers, models.portalAccounts),
    lock: new RedisLock(redis),
  });
  const customerKeyRecompute = new CustomerKeyRecompute({
    customers: models.customers,
    keys: customers.keys,
    lock: new RedisLock(redis),
    logger,
  });
  const opportunities = new OpportunityService({
    ...models,
    pastCooperation: new PastCooperationReader(models),
    customerService: customers,
    audit,
    lock: new RedisLock(redis),
    events,
  });
  const crmScoring = createScoringModule({
    ...models,
    customerService: customers,
    audit,
    events,
    lock: new RedisLock(redis),
    logger,
  });
  const signInThrottle = new SignInThrottle(redis, config.auth.signIn);
  const knownDevices = new KnownDevices(redis, config.auth.signIn.deviceTtlSeconds);
  const auth = new AuthService({
    ...models,
    sessions,
    throttle: signInThrottle,
    devices: knownDevices,
    customers,
    audit,
    events,
    logger,
    config: config.auth,
    ...integrations,
  });
  const passwords = new PasswordService({
    ...models,
    sessions,
    throttle: signInThrottle,
    devices: knownDevices,
    audit,
    auth,
  });
  const invites = new InviteService({
    ...models,
    customers,
    sessions,
    audit,
    auth,
    inviteTtlSeconds: config.auth.inviteTtlSeconds,
    publicUrl: config.http.publicUrl,
  });
  const staffAdmin = new StaffAdminService({ ...models, sessions, audit, lock: new RedisLock(redis) });
  const files = new FileService({
    files: models.files,
    storage: new LocalDiskStorage(config.files.dataDir),
    signer: new UrlSigner(config.files.signingSecret, config.files.urlTtlSeconds),
    projectAccess,
    audit,
    limits: config.files,
  });
  const responseClock = new ResponseClockService({ ...models, policy, lock: new RedisLock(redis) });
  const contractsModule = createContractsModule({
    ...models,
    milestones: contractMilestones(conn).milestones,
    files,
    opportunityService: opportunities,
    facts: crmScoring.facts,
    scoring: crmScoring.scoring,
    lock: new RedisLock(redis),
    audit,
    events,
    logger,
    config: config.contracts,
  });
  const paymentLedger = new MongoPaymentLedger(models.paymentLedger);
  contractsModule.bindLedger(paymentLedger);
  const paymentsModule = createPaymentsModule({
    ...models,
    ledger: paymentLedger,
    invoices: contractsModule.services.invoices,
    lock: new RedisLock(redis),
    audit,
    events,
    logger,
    config: config.payments,
    wechat: { appId: config.wechat.appId, timeoutMs: config.wechat.requestTimeoutMs },
    publicUrl: config.http.publicUrl,
  });
  const projectModule = createProjectModule({
    ...models,
    policy,
    projectAccess,
    audit,
    events,
    timeline,
    files,
    lock: new RedisLock(redis),
    config: config.projects,
  });
  const site = createSiteModule({
    ...models,
    projectAccess,
    files,
    timeline,
    audit,
    events,
    lock: new RedisLock(redis),
    directory: new AccountDirectory(models.staffUsers, models.portalAccounts),
  });
  const chat = createChatModule({
    ...models,
    policy,
    projectAccess,
    files,
    responseClock,
    audit,
    events,
    redis,
    logger,
  });
  const portal = await createPortalModule({
    ...models,
    conn,
    redis,
    logger,
    audit,
    events,
    projectAccess,
    timeline,
    files,
    publicUrl: config.http.publicUrl,
  });
  const complaintsModule = createComplaintsModule({
    ...models,
    policy,
    projectAccess,
    timeline,
    files,
    responseClock,
    audit,
    events,
    lock: new RedisLock(redis),
    logger,
    config: config.feedback,
    facts: crmScoring.facts,
    scoring: crmScoring.scoring,
  });
  const changes = createChangesModule({
    ...models,
    conn,
    projectAccess,
    policy,
    files,
    responseClock,
    timeline,
    audit,
    events,
    lock: new RedisLock(redis),
    logger,
    contractTotals: contractsModule.contractTotals(new RecordedContractTotals(models)),
  });
  contractsModule.registerAmendmentEffect(changes.effects);
  const ratingsModule = createRatingsModule({
    ...models,
    conn,
    projectAccess,
    audit,
    events,
    lock: new RedisLock(redis),
    logger,
    facts: crmScoring.facts,
    scoring: crmScoring.scoring,
  });
  const overdue = createOverdueModule({
    ...models,
    facts: crmScoring.facts,
    rescore: (ids) => crmScoring.scoring.recompute(ids),
    lock: new RedisLock(redis),
    audit,
    events,
    logger,
    config: config.overdue,
  });
  const reconciliation = createReconciliationModule({
    ...models,
    source: tradeBillSourceFor(config.payments.wechatPay, config.wechat),
    lock: new RedisLock(redis),
    audit,
    logger,
  });
  const insights = createInsightsModule({
    ...models,
    customerService: customers,
    audit,
    events,
    logger,
    config: config.insights,
  });
  const services = {
    auth,
    invites,
    staffAdmin,
    passwords,
    customers,
    customerKeyRecompute,
    opportunities,
    scoring: crmScoring.scoring,
    ...site.services,
    files,
    responseClock,
    ...complaintsModule.services,
    ...contractsModule.services,
    ...paymentsModule.services,
    ...changes.services,
    ...ratingsModule.services,
    chat: chat.chat,
    chatReads: chat.reads,
    ...notifications.services,
    ...projectModule.services,
    ...portal.services,
    overdue: overdue.service,
    reconciliation: reconciliation.service,
    ...insights.services,
  };

  const scheduler = new Scheduler({ redis, runs: jobRuns, audit, logger, config: config.scheduler });
  registerJobs(scheduler, services, notifications.models.notices);

  const routes: AnyRoute[] = [
    clientConfigRoute(config),
    ...authRoutes(auth, invites, passwords),
    ...inviteRoutes(invites),
    ...staffAdminRoutes(staffAdmin, passwords),
    ...customerImportRoutes(customers), // before customerRoutes: /customers/export vs /customers/:id
    ...customerRoutes(customers),
    ...opportunityRoutes(opportunities),
    ...projectModule.routes,
    ...crmScoring.routes,
    ...fileRoutes(files, sessions, config.files.maxBytes, config.http.bodyIdleTimeoutMs),
    ...responseClockRoutes(responseClock),
    ...site.routes,
    ...complaintsModule.routes,
    ...contractsModule.routes,
    ...paymentsModule.routes,
    ...changes.routes,
    ...ratingsModule.routes,
    ...chat.routes,
    ...jobsRoutes(scheduler),
    ...notifications.routes,
    ...portal.routes,
    ...overdue.routes,
    ...reconciliation.routes,
    ...insights.routes,
  ];

  return {
    config,
    logger,
    conn,
    redis,
    models: { ...models, ...notifications.models },
    audit,
    events,
    outboxWorker: notifications.worker,
    chatWaits: chat.waits,
    /** The payment issue registers its contract amendment here (ChangeApprovalEffects.register). */
    changeApprovalEffects: changes.effects,
    /** Raw-body webhooks (WeChat Pay notifications), mounted before the JSON body parser. */
    webhooks: [paymentsModule.webhook],
    policy,
    projectAccess,
    timeline,
    sessions,
    limiters,
    services,
    scheduler,
    routes,
    /** Stops the background work and closes the connections, within `graceMs` (then forcibly). */
    async close(graceMs = 10_000) {
      const deadline = Date.now() + graceMs;
      const left = () => Math.max(0, deadline - Date.now());
      await Promise.all([scheduler.stop(left()), notifications.worker.stop(left()), chat.waits.close()]);
      const closed = await within(Promise.allSettled([conn.close(), redis.quit()]), left());
      if (!closed) await Promise.allSettled([conn.close(true), redis.disconnect()]);
    },
  };
}

export type Container = Awaited<ReturnType<typeof buildContainer>>;

/** True when `work` settled within `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true as const), late]);
  clearTimeout(timer);
  return settled;
}
