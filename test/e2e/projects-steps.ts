import sharp from 'sharp';
import type { MilestoneView } from '@gantry/shared';
import { UI_TIMEOUT, type H5 } from './harness';

/** A small real PNG for the file chooser. */
export async function samplePng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 90, g: 120, b: 160 } } })
    .png()
    .toBuffer();
}

export interface Cast {
  projectId: string;
  milestones: MilestoneView[];
  engineer: { username: string; password: string; token: string };
  pm: { username: string; password: string; token: string };
  openid: string;
}

/** The cast and the sign-in steps of the project suites, bound to the suite's browser. */
export function projectSteps(h5: H5) {
  const { button, expectText } = h5;

  /** A residential project by a PM (milestones from the template), an engineer on it and the customer's account. */
  async function cast(tag: string): Promise<Cast> {
    const sys = h5.system;
    const pm = await sys.seed.staff('pm', { name: '项目经理张伟' });
    const engineer = await sys.seed.staff('engineer', { name: '工程师陈刚' });
    const openid = `o_e2e_projects_${tag}`;
    const { customer } = await sys.seed.customerWithPortal({ openid, customerName: `华景置业${tag}` });
    const pmToken = await sys.loginStaff(pm.username, pm.password);
    const created = await sys.api.post(
      '/api/v1/projects',
      {
        name: `华景·滨江苑${tag}`,
        type: 'residential',
        customerId: customer.id,
        address: '杭州市滨江区江南大道 1 号',
        engineerIds: [engineer.id],
        plannedStart: '2026-09-01',
        plannedEnd: '2027-06-30',
      },
      pmToken,
    );
    expect(created.status).toBe(201);
    const projectId = created.body.id as string;
    const list = await sys.api.get(`/api/v1/projects/${projectId}/milestones`, pmToken);
    expect(list.status).toBe(200);
    const engineerToken = await sys.loginStaff(engineer.username, engineer.password);
    return {
      projectId,
      milestones: list.body.items,
      engineer: { username: engineer.username, password: engineer.password, token: engineerToken },
      pm: { username: pm.username, password: pm.password, token: pmToken },
      openid,
    };
  }

  /** Starts from a clean browser state (no token, no simulator settings) on the login page. */
  async function freshLogin(): Promise<void> {
    await h5.page.goto(`${h5.system.baseUrl}/#/pages/login/index`);
    await h5.page.evaluate(() => window.localStorage.clear());
    await h5.page.reload();
  }

  /** Staff sign-in; `title` is the role's home title (the engineer's by default). */
  async function signInEngineer(
    user: { username: string; password: string },
    title = '现场工作台',
  ): Promise<void> {
    await freshLogin();
    await button('staff-entry').click({ timeout: UI_TIMEOUT });
    await h5.input('username-input').fill(user.username);
    await h5.input('password-input').fill(user.password);
    await button('staff-login').click();
    await expectText(h5.page.locator('.home-title'), title);
  }

  const signInCustomer = (openid: string, subscribeDecision: 'accept' | 'reject') =>
    h5.signInCustomer(openid, subscribeDecision);

  /** Home → 我的项目 → the project → one of its milestones. */
  async function openMilestone(projectId: string, milestoneId: string): Promise<void> {
    await h5.page.locator('#projects-entry').click();
    await h5.page.locator(`#project-item-${projectId}`).click({ timeout: UI_TIMEOUT });
    await h5.page.locator(`#milestone-item-${milestoneId}`).click({ timeout: UI_TIMEOUT });
    await h5.page.locator('#milestone-status').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  }

  return { cast, signInEngineer, signInCustomer, openMilestone };
}
