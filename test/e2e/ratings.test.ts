import { castProject, feedbackCast } from '../support/feedback-cast';
import { useBrowser, UI_TIMEOUT } from './harness';

/**
 * Rating the work in the H5 build: on a completed project the customer finds 评价本项目 on the
 * project page, scores it overall and on each dimension with a comment, and can change it; the
 * server holds the rating, and a low one opens the PM's follow-up task. An active project offers
 * no project rating.
 */
jest.setTimeout(120_000);

const h5 = useBrowser({ screenshotSettleMs: 400 });
const { button, expectText, screenshot } = h5;

const SCORES = { overall: 2, quality: 2, schedule: 3, communication: 2, tidiness: 4 };

it('the customer rates a completed project from its page, then changes the comment', async () => {
  const sys = h5.system;
  const cast = await feedbackCast(sys);
  const done = await castProject(sys, cast, { status: 'completed', actualEnd: new Date() });
  const running = await castProject(sys, cast, { status: 'active' });

  await h5.signInCustomer(cast.customer.openid);
  await h5.page.goto(`${sys.baseUrl}/#/pages/projects/home/index?id=${running.id}`);
  await h5.page.locator('#project-entry-changes').waitFor({ timeout: UI_TIMEOUT });
  expect(await h5.page.locator('#project-entry-rating').count()).toBe(0);

  await h5.page.goto(`${sys.baseUrl}/#/pages/projects/home/index?id=${done.id}`);
  await h5.page.locator('#project-entry-rating').click({ timeout: UI_TIMEOUT });
  await expectText(h5.page.locator('.page-title'), '项目评价');
  await h5.page.locator('#rating-overall-2').click();
  await button('rating-submit').click(); // four dimensions still unscored
  await expectText(h5.page.locator('body'), '请为');
  expect((await sys.api.get(`/api/v1/projects/${done.id}/rating`, cast.customer.token)).status).toBe(404);
  for (const [key, score] of Object.entries(SCORES)) await h5.page.locator(`#rating-${key}-${score}`).click();
  await h5.page.locator('#rating-comment textarea').fill('工期拖了两周，沟通不及时');
  await button('rating-submit').click();
  await expectText(h5.page.locator('.hint'), '前可以修改');
  await screenshot('rating-project');

  const saved = await sys.api.get(`/api/v1/projects/${done.id}/rating`, cast.customer.token);
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({ subject: 'project', ...SCORES, comment: '工期拖了两周，沟通不及时' });
  // a low rating opens the PM's follow-up task
  const tasks = await sys.api.get('/api/v1/follow-up-tasks', cast.pm.token);
  expect(tasks.body.items).toEqual(
    expect.arrayContaining([expect.objectContaining({ ratingId: saved.body.id })]),
  );

  // back later: the form shows what was given and saves a change
  await h5.page.reload();
  await expectText(h5.page.locator('#rating-submit'), '修改评价');
  await h5.page.locator('#rating-comment textarea').fill('工期拖了两周，后来项目经理补救及时');
  await button('rating-submit').click();
  await expectText(h5.page.locator('body'), '感谢您的评价');
  const changed = await sys.api.get(`/api/v1/projects/${done.id}/rating`, cast.customer.token);
  expect(changed.body).toMatchObject({ id: saved.body.id, comment: '工期拖了两周，后来项目经理补救及时' });
});
