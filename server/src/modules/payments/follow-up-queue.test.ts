import pino from 'pino';
import { FollowUpQueue } from './follow-up-queue';

const logger = pino({ level: 'silent' });
const tick = () => new Promise((r) => setTimeout(r, 5));

describe('FollowUpQueue', () => {
  it('starts nothing while notifications are being answered, then runs everything in order', async () => {
    const q = new FollowUpQueue(logger, 2, 60_000);
    const ran: number[] = [];
    const first = q.answer();
    const second = q.answer();
    for (const n of [1, 2, 3]) q.push(async () => void ran.push(n));
    await tick();
    expect(ran).toEqual([]);
    first();
    first(); // ending the same answer twice counts once
    await tick();
    expect(ran).toEqual([]);
    second();
    await tick();
    expect(ran).toEqual([1, 2, 3]);
    expect(q.pending).toBe(0);
  });

  it('runs at most `concurrency` tasks at once and keeps going after a failure', async () => {
    const q = new FollowUpQueue(logger, 2, 60_000);
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      q.push(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        if (n === 2) throw new Error('boom');
        done.push(n);
      });
    }
    while (q.pending > 0) await tick();
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([1, 3, 4, 5]);
  });

  it('does not let a steady stream of answers starve the follow-ups', async () => {
    const q = new FollowUpQueue(logger, 1, 50);
    const ran: string[] = [];
    q.answer(); // never ends
    q.push(async () => void ran.push('late'));
    await tick();
    expect(ran).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    expect(ran).toEqual(['late']);
  });
});
