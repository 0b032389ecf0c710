import { z } from 'zod';
import { SUBSCRIBE_MOMENTS } from '@gantry/shared';

/**
 * Which events notify whom, over which channels, with which words. Lives in config/*.json
 * (`notifications`), validated at boot with the rest of the configuration.
 *
 * recipients: customer | owner | pm | manager | staff | role:<staff role>
 * channels:   inbox | subscribe | wecom:<team>   (inbox is added when missing: it is always on)
 * Template strings use {field} placeholders filled from the event payload.
 */
const RECIPIENT = /^(customer|owner|pm|manager|staff|role:(admin|sales|pm|engineer|finance|service))$/;
const CHANNEL = /^(inbox|subscribe|wecom:[a-z0-9_-]+)$/;

const templateSchema = z.object({
  title: z.string().min(1),
  body: z.string().min(1),
  page: z.string().optional(),
  subscribe: z.object({ templateId: z.string().min(1), data: z.record(z.string(), z.string()) }).optional(),
  wecom: z.string().optional(),
});
export type NoticeTemplate = z.infer<typeof templateSchema>;

export const notificationsConfigSchema = z
  .object({
    maxAttempts: z.number().int().min(1).max(20),
    backoffSeconds: z.array(z.number().int().positive()).min(1),
    leaseSeconds: z.number().int().positive(),
    subscribeDailyCap: z.number().int().min(0),
    miniprogramState: z.enum(['developer', 'trial', 'formal']),
    worker: z.object({
      enabled: z.boolean(),
      pollMs: z.number().int().positive(),
      concurrency: z.number().int().min(1).max(64),
    }),
    wecom: z.object({
      perMinute: z.number().int().positive(),
      /** team → robot key; keys are secrets: set them with WECOM_ROBOT_KEYS="finance=…,pm=…". */
      robots: z.record(z.string(), z.string().min(1)),
    }),
    events: z.record(
      z.string(),
      z.object({
        recipients: z.array(z.string().regex(RECIPIENT, 'unknown recipient')).min(1),
        channels: z.array(z.string().regex(CHANNEL, 'unknown channel')).min(1),
        template: z.string(),
      }),
    ),
    templates: z.record(z.string(), templateSchema),
    /** Template names whose consent the client asks for at each moment (wx.requestSubscribeMessage takes ≤ 3). */
    moments: z.record(z.enum(SUBSCRIBE_MOMENTS), z.array(z.string()).max(3)),
  })
  .superRefine((cfg, ctx) => {
    for (const [event, rule] of Object.entries(cfg.events)) {
      if (!cfg.templates[rule.template]) {
        ctx.addIssue({
          code: 'custom',
          path: ['events', event, 'template'],
          message: `no template named ${rule.template}`,
        });
      }
    }
    for (const [moment, names] of Object.entries(cfg.moments)) {
      for (const name of names) {
        if (!cfg.templates[name]?.subscribe) {
          ctx.addIssue({
            code: 'custom',
            path: ['moments', moment],
            message: `${name} is not a subscribe template`,
          });
        }
      }
    }
  });

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;

/** "finance=key1,pm=key2" → { finance: 'key1', pm: 'key2' } */
export function parseRobotKeys(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .map((pair) => pair.trim().split('='))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== '' && kv[1] !== ''),
  );
}
