import type Router from '@koa/router';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Context } from 'koa';
import type { z } from 'zod';
import { chineseIssueMessage, isChineseMessage, type Role } from '@gantry/shared';
import type { Actor } from '../auth/actor';
import { authenticate } from '../auth/authenticate';
import type { SessionStore } from '../auth/session-store';
import { ForbiddenError, ValidationError, type FieldIssue } from '../errors';
import { errorResponseSchema, toOpenApiPath } from '../openapi';
import type { RateLimiters } from './rate-limit';

/**
 * A route is declared once: method, path, who may call it, the zod schemas of its input and output,
 * and a short handler. `mountRoutes` turns that into validation, authentication, rate limiting,
 * the OpenAPI entry and the JSON response, so handlers only read input and call a service.
 */
export type AuthRule = 'public' | 'any' | 'staff' | readonly Role[];
type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<A extends AuthRule, B extends Schema, Q extends Schema, P extends Schema> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
  actor: A extends 'public' ? Actor | undefined : Actor;
  ctx: Context;
}

export interface RouteSpec<A extends AuthRule, B extends Schema, Q extends Schema, P extends Schema> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  auth: A;
  body?: B;
  query?: Q;
  params?: P;
  response?: z.ZodType;
  /** 200 by default; 201 for creations; 202 for work started in the background; 204 answers no body. */
  status?: 200 | 201 | 202 | 204;
  /** An extra, stricter limiter keyed by client IP (sign-in endpoints). */
  limiter?: 'login';
  /** Open to a session that must change its admin-set password first (changing it, signing out). */
  beforePasswordChange?: true;
  handler(input: RouteInput<A, B, Q, P>): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteSpec<any, any, any, any>;

export function defineRoute<
  A extends AuthRule,
  B extends Schema = undefined,
  Q extends Schema = undefined,
  P extends Schema = undefined,
>(spec: RouteSpec<A, B, Q, P>): AnyRoute {
  return spec as AnyRoute;
}

export interface RouteDeps {
  sessions: SessionStore;
  limiters: RateLimiters;
  registry: OpenAPIRegistry;
}

export function mountRoutes(router: Router, routes: AnyRoute[], deps: RouteDeps): void {
  for (const route of routes) {
    registerOpenApi(deps.registry, route);
    router[route.method](route.path, async (ctx: Context) => {
      const actor = await resolveActor(ctx, route, deps);
      if (route.limiter === 'login') await deps.limiters.login.hit(ctx.ip);
      const input = {
        params: parse(route.params, ctx.params, 'params'),
        query: parse(route.query, ctx.query, 'query'),
        body: parse(route.body, route.body ? (ctx.request.body ?? {}) : undefined, 'body'),
        actor,
        ctx,
      };
      const result = await route.handler(input);
      ctx.status = route.status ?? 200;
      if (ctx.status !== 204) ctx.body = result;
    });
  }
}

async function resolveActor(ctx: Context, route: AnyRoute, deps: RouteDeps): Promise<Actor | undefined> {
  if (route.auth === 'public') return undefined;
  const actor = await authenticate(ctx, deps.sessions, { beforePasswordChange: route.beforePasswordChange });
  ctx.state.actor = actor;
  await deps.limiters.perAccount.hit(actor.id);
  const allowed =
    route.auth === 'any' ||
    (route.auth === 'staff' ? actor.kind === 'staff' : (route.auth as readonly Role[]).includes(actor.role));
  if (!allowed) throw new ForbiddenError();
  return actor;
}

function parse(schema: Schema, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.flatMap((issue) => toFieldIssues(issue, where)));
}

/**
 * One entry per bad field, `{ path: 'body.x.y', message }`. The message is the schema's own when it
 * is Chinese; an English one (a library default or a schema written for operators) is replaced by
 * the Chinese message for the issue code, so no English sentence reaches a customer.
 */
function toFieldIssues(issue: z.core.$ZodIssue, where: string): FieldIssue[] {
  const base = [where, ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: `${base}.${key}`, message: '不允许的字段' }));
  }
  const message = isChineseMessage(issue.message) ? issue.message : chineseIssueMessage(issue);
  return [{ path: base, message }];
}

function registerOpenApi(registry: OpenAPIRegistry, route: AnyRoute): void {
  const status = route.status ?? 200;
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const config: RouteConfig = {
    method: route.method,
    path: toOpenApiPath(`/api/v1${route.path}`).replace(/^\/api\/v1/, ''),
    summary: route.summary,
    tags: route.tags,
    ...(route.auth === 'public' ? {} : { security: [{ bearer: [] }] }),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.body ? { body: { content: json(route.body), required: true } } : {}),
    } as RouteConfig['request'],
    responses: {
      [status]: {
        description: status === 204 ? 'No content' : 'Success',
        ...(route.response ? { content: json(route.response) } : {}),
      },
      default: { description: 'Error', content: json(errorResponseSchema) },
    },
  };
  registry.registerPath(config);
}
