import Router from '@koa/router';

/** `GET /healthz`: liveness only, so a slow database or Temporal never restarts healthy processes. */
export function healthRouter(): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  return router;
}
