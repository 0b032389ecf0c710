import Router from '@koa/router';
import path from 'node:path';
import serve from 'koa-static';
import mount from './mount';

/** /openapi.json and a Swagger UI page at /docs served from the swagger-ui-dist package (no CDN). */
export function docsRouter(getDocument: () => unknown, title: string): Router {
  const router = new Router();
  let cached: unknown;
  router.get('/openapi.json', (ctx) => {
    cached ??= getDocument();
    ctx.body = cached;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title} API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui" data-url="/openapi.json"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;
  });
  // A file rather than an inline script: the CSP allows scripts from our origin only.
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body =
      "var root = document.getElementById('swagger-ui');\n" +
      "window.ui = SwaggerUIBundle({ url: root.dataset.url, dom_id: '#swagger-ui' });\n";
  });
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.get(
    '/docs/assets/:file',
    mount('/docs/assets', serve(assets, { index: false, maxage: 86_400_000 })),
  );
  return router;
}
