import { Types } from 'mongoose';
import type { ProjectStatus, ProjectType } from '@gantry/shared';
import type { Container } from '../../server/src/container';
import { planMilestones } from '../../server/src/modules/projects/milestone-templates';

const DAY = 86_400_000;
const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
const utc = (date: string) => new Date(`${date}T00:00:00Z`);

interface DemoProjectRef {
  _id: Types.ObjectId;
  name: string;
  type: ProjectType;
  status: ProjectStatus;
  plannedStart: Date;
  plannedEnd: Date;
}

/**
 * The project's template milestones, in the state its status implies: a finished project has all
 * confirmed; a project under construction has the ones planned before today confirmed (two days
 * late, without photos) and the next one awaiting the customer's confirmation, submitted yesterday
 * by the site engineer. Answers the awaiting milestone, if any.
 */
export async function seedDemoMilestones(
  container: Container,
  project: DemoProjectRef,
  engineer: { id: string; name: string },
): Promise<{ id: string; name: string } | null> {
  const { models, config, timeline } = container;
  const now = Date.now();
  const planned = planMilestones(
    config.projects.milestoneTemplates,
    project.type,
    dateOnly(project.plannedStart),
    dateOnly(project.plannedEnd),
  );
  let awaiting: { id: string; name: string } | null = null;
  for (const m of planned) {
    const due = utc(m.plannedEnd).getTime() <= now;
    const done =
      project.status === 'completed' || project.status === 'warranty' || (project.status === 'active' && due);
    const next: boolean = project.status === 'active' && !due && awaiting === null;
    const doc = {
      _id: new Types.ObjectId(),
      actualEnd: done ? new Date(utc(m.plannedEnd).getTime() + 2 * DAY) : null,
    };
    await models.milestones.create({
      _id: doc._id,
      projectId: project._id,
      seq: m.seq,
      name: m.name,
      weight: m.weight,
      status: done ? 'confirmed' : next ? 'awaiting_confirmation' : 'pending',
      plannedStart: utc(m.plannedStart),
      plannedEnd: utc(m.plannedEnd),
      actualStart: done || next ? utc(m.plannedStart) : null,
      actualEnd: doc.actualEnd,
      round: done || next ? 1 : 0,
      decidedRound: done ? 1 : 0,
      submittedAt: next ? new Date(now - DAY) : null,
    });
    if (!done && !next) continue;
    const submittedAt = next ? new Date(now - DAY) : new Date(utc(m.plannedEnd).getTime() + DAY);
    await models.milestoneRounds.create({
      milestoneId: doc._id,
      projectId: project._id,
      round: 1,
      note: `${m.name}已完成，请查看。`,
      photoIds: [],
      by: engineer,
      at: submittedAt,
    });
    await timeline.record({
      key: `milestone.submitted:${String(doc._id)}:1`,
      projectId: project._id,
      kind: 'milestone',
      refId: doc._id,
      occurredAt: submittedAt,
      customerVisible: true,
      title: `「${m.name}」已完工，待客户确认`,
      actor: engineer,
    });
    if (next) {
      awaiting = { id: String(doc._id), name: m.name };
      continue;
    }
    const at = doc.actualEnd ?? new Date();
    await models.milestoneDecisions.create({
      milestoneId: doc._id,
      projectId: project._id,
      round: 1,
      decision: 'confirm',
      comment: '',
      photoIds: [],
      by: null,
      automatic: false,
      at,
    });
    await timeline.record({
      key: `milestone.confirmed:${String(doc._id)}:1`,
      projectId: project._id,
      kind: 'milestone',
      refId: doc._id,
      occurredAt: at,
      customerVisible: true,
      title: `客户已确认「${m.name}」`,
    });
  }
  return awaiting;
}
