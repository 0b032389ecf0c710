/**
 * Seeds the demo data set into an EMPTY database (no staff accounts yet) and prints the demo
 * logins. Run by `npm start`; safe to run again: a database with data is left alone.
 */
import { Types } from 'mongoose';
import { createCustomerSchema, ROLE_LABELS } from '@gantry/shared';
import { buildContainer, type Container } from '../server/src/container';
import { loadConfig } from '../server/src/core/config';
import { createLogger } from '../server/src/core/logger';
import { DEMO_CUSTOMERS, DEMO_PASSWORD, DEMO_PROJECTS, DEMO_STAFF } from './demo/demo-data';
import { seedDemoContract } from './demo/demo-contracts';
import { seedDemoMilestones } from './demo/demo-milestones';

const DAY = 86_400_000;

export async function seedDemo(container: Container): Promise<boolean> {
  const { models, services } = container;
  if ((await models.staffUsers.estimatedDocumentCount()) > 0) return false;

  const staffIds = new Map<string, Types.ObjectId>();
  const staffId = (username: string) => {
    const id = staffIds.get(username);
    if (!id) throw new Error(`demo data names unknown staff ${username}`);
    return id;
  };
  for (const s of DEMO_STAFF) {
    const user = await services.staffAdmin.create(null, { ...s, password: DEMO_PASSWORD });
    staffIds.set(s.username, new Types.ObjectId(user.id));
  }

  const customerIds = new Map<string, Types.ObjectId>();
  for (const c of DEMO_CUSTOMERS) {
    // Through the service, so the duplicate keys and search fields exist for the demo customers too.
    const created = await services.customers.create(
      null,
      createCustomerSchema.parse({
        name: c.name,
        type: c.type,
        phone: c.phone,
        tags: c.tags,
        ownerId: c.owner ? String(staffId(c.owner)) : null,
      }),
    );
    const doc = { _id: new Types.ObjectId(created.id) };
    await models.customers.updateOne({ _id: doc._id }, { $set: { tier: c.tier } });
    customerIds.set(c.key, doc._id);
    if (c.portalOpenid) {
      await models.portalAccounts.create({
        openid: c.portalOpenid,
        customerId: doc._id,
        name: `${c.name}（微信）`,
        boundAt: new Date(),
        lastLoginAt: new Date(),
      });
    }
  }

  const now = Date.now();
  const engineer = { id: String(staffId('chengang')), name: '陈刚' };
  let awaitingMilestone: { id: string; name: string } | null = null;
  for (const p of DEMO_PROJECTS) {
    const plannedStart = new Date(now + p.startOffsetDays * DAY);
    const started = p.status !== 'planning';
    const finished = p.status === 'completed' || p.status === 'warranty';
    const project = await models.projects.create({
      code: p.code,
      name: p.name,
      type: p.type,
      customerId: customerIds.get(p.customer),
      address: p.address,
      pmId: staffId('zhangwei'),
      engineerIds: [staffId('chengang')],
      status: p.status,
      plannedStart,
      plannedEnd: new Date(plannedStart.getTime() + p.durationDays * DAY),
      actualStart: started ? plannedStart : null,
      actualEnd: finished ? new Date(plannedStart.getTime() + (p.durationDays + 6) * DAY) : null,
    });
    const awaiting = await seedDemoMilestones(container, project.toObject(), engineer);
    if (awaiting && p.customer === 'dev') awaitingMilestone = awaiting;
  }
  await publishDemoEvents(container, customerIds, awaitingMilestone);
  await seedDemoContract(container);
  return true;
}

/** A few notices so the demo inboxes are not empty; the API's outbox worker delivers them. */
async function publishDemoEvents(
  container: Container,
  customerIds: Map<string, Types.ObjectId>,
  milestone: { id: string; name: string } | null,
) {
  const developer = String(customerIds.get('dev'));
  const project = DEMO_PROJECTS.find((p) => p.customer === 'dev');
  // The developer's project has a milestone awaiting confirmation: its notice, as submit would publish it.
  if (milestone)
    await container.events.publish(
      'milestone.awaiting_confirmation',
      {
        customerId: developer,
        projectName: project?.name ?? '',
        milestoneName: milestone.name,
        milestoneId: milestone.id,
        submittedAt: new Date(Date.now() - DAY).toISOString(),
        round: 1,
      },
      { id: `milestone.awaiting_confirmation:${milestone.id}:1` },
    );
}

export function demoLoginsText(): string {
  const staff = DEMO_STAFF.map(
    (s) => `  ${ROLE_LABELS[s.role].padEnd(6, '　')} ${s.username.padEnd(10)} ${DEMO_PASSWORD}   (${s.name})`,
  );
  const customers = DEMO_CUSTOMERS.filter((c) => c.portalOpenid).map(
    (c) => `  客户（微信模拟登录） openid ${c.portalOpenid}   (${c.name})`,
  );
  return ['Demo logins:', ...staff, ...customers].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const container = await buildContainer(config, createLogger('warn'));
  try {
    const seeded = await seedDemo(container);
    process.stdout.write(seeded ? 'Demo data seeded.\n' : 'Database already has data: demo seed skipped.\n');
    process.stdout.write(`${demoLoginsText()}\n`);
  } finally {
    await container.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`Demo seed failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
