import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';
import serve from 'koa-static';

/**
 * Serves the H5 build at `/`. API, docs and health paths never fall through to it. When the build
 * is missing, `/` says how to make it instead of a bare 404.
 */
export function h5Static(staticDir: string) {
  const files = serve(staticDir, { index: 'index.html', maxage: 0, gzip: true });
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (/^\/(api|docs|openapi\.json|healthz|readyz)(\/|$)/.test(ctx.path)) return next();
    if (ctx.path === '/' && !fs.existsSync(path.join(staticDir, 'index.html'))) {
      ctx.type = 'text';
      ctx.body =
        'The H5 portal is not built yet: run `npm run build:h5 -w client` (npm start does it for you).';
      return;
    }
    return files(ctx, next);
  };
}
