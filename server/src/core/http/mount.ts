import type { Context, Middleware, Next } from 'koa';

/** Runs `middleware` with `prefix` stripped from the path (a tiny koa-mount). */
export default function mount(prefix: string, middleware: Middleware): Middleware {
  return async (ctx: Context, next: Next) => {
    if (!ctx.path.startsWith(prefix)) return next();
    const original = ctx.path;
    ctx.path = original.slice(prefix.length) || '/';
    try {
      await middleware(ctx, async () => {
        ctx.path = original;
        await next();
      });
    } finally {
      ctx.path = original;
    }
  };
}
