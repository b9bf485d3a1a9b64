import Router from '@koa/router';
import type { RateLimiter } from '../../domain/rateLimiter';
import { getWorkspaceUsage } from '../../domain/usage';
import type { AuthState } from '../middlewares/authenticate';
import { presentUsage } from './presenter';

/** `GET /usage`: the calling workspace's usage against its limits, this request included. */
export function usageRouter(limiter: RateLimiter): Router<AuthState> {
  const router = new Router<AuthState>();

  router.get('/usage', async (ctx) => {
    const usage = await getWorkspaceUsage(ctx.state.workspace.id, limiter);

    ctx.body = presentUsage(usage);
  });

  return router;
}
