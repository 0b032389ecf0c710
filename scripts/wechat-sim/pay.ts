import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { X509Certificate } from 'node:crypto';
import type { SimContext } from './context';
import { aeadEncrypt } from './crypto';
import { faultMiddleware } from './faults';
import { PayError, signResponses, verifyRequests } from './pay-auth';
import { registerBillRoutes } from './pay-bill';
import { registerRefundRoutes } from './pay-refunds';
import { registerTransactionRoutes } from './pay-transactions';
import { rfc3339Cst } from './time';

/** GET /v3/certificates: the platform certificate, encrypted with the APIv3 key as WeChat does. */
function registerCertificateRoutes(router: Router, sim: SimContext): void {
  router.get('/v3/certificates', (ctx) => {
    const cert = new X509Certificate(sim.platform.certPem);
    ctx.body = {
      data: [
        {
          serial_no: sim.platform.serialNo,
          effective_time: rfc3339Cst(new Date(cert.validFrom)),
          expire_time: rfc3339Cst(new Date(cert.validTo)),
          encrypt_certificate: {
            algorithm: 'AEAD_AES_256_GCM',
            ...aeadEncrypt(sim.platform.certPem, sim.pay!.apiV3Key, 'certificate'),
          },
        },
      ],
    };
  });
}

/** Runs middlewares in order (koa-compose without the extra dependency). */
function chainOf(middlewares: Middleware[]) {
  return (ctx: Context, next: Next): Promise<void> => {
    const dispatch = async (i: number): Promise<void> => {
      const mw = middlewares[i];
      if (mw) await mw(ctx, () => dispatch(i + 1));
      else await next();
    };
    return dispatch(0);
  };
}

/** WeChat Pay v3 API under /v3: every request verified, every response signed. */
export function payMiddleware(sim: SimContext): Middleware {
  const routes = new Router();
  registerTransactionRoutes(routes, sim);
  registerRefundRoutes(routes, sim);
  registerBillRoutes(routes, sim);
  registerCertificateRoutes(routes, sim);
  const notFound: Middleware = () => {
    throw new PayError(404, 'NOT_FOUND', 'the simulator does not implement this API');
  };
  const chain = chainOf([
    signResponses(sim),
    verifyRequests(sim),
    faultMiddleware(sim.state, 'pay'),
    routes.routes() as unknown as Middleware,
    notFound,
  ]);
  return (ctx, next) => (ctx.path.startsWith('/v3/') ? chain(ctx, next) : next());
}
