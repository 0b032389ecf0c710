import type { TestSystem } from './system';

/** A customer with a WeChat portal account, signed in, holding `grants` one-time grants for `templateId`. */
export async function customerWithGrants(
  sys: TestSystem,
  openid: string,
  templateId: string,
  grants: number,
) {
  const { customer } = await sys.seed.customerWithPortal({ openid, customerName: `客户${openid}` });
  const token = await sys.loginWechat(openid);
  for (let i = 0; i < grants; i += 1) {
    // The client does both when the user taps "允许": WeChat records the grant, and so do we.
    sys.sim.grantSubscription(openid, templateId, 1);
    const res = await sys.api.post('/api/v1/subscriptions', { results: { [templateId]: 'accept' } }, token);
    if (res.status !== 200)
      throw new Error(`recording a grant failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { customerId: customer.id, token, openid };
}

export function subscribeMessagesTo(sys: TestSystem, openid: string) {
  return sys.sim.messages().filter((m) => m.kind === 'subscribe' && m.openid === openid);
}

export function awaitingMilestone(
  customerId: string,
  milestoneId: string,
  extra: Record<string, string> = {},
) {
  return {
    name: 'milestone.awaiting_confirmation',
    payload: {
      customerId,
      projectName: '华景·滨江苑三期住宅楼',
      milestoneName: '主体结构封顶',
      milestoneId,
      submittedAt: '2026-11-28T02:00:00Z',
      ...extra,
    },
    id: `milestone.awaiting_confirmation:${milestoneId}`,
  };
}

export async function publish(
  sys: TestSystem,
  e: { name: string; payload: Record<string, unknown>; id: string },
) {
  await sys.server.container.events.publish(e.name, e.payload as never, { id: e.id });
}
