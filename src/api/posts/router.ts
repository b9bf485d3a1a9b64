import Router from '@koa/router';
import type { AuthState } from '../middlewares/authenticate';
import { requireJsonBody } from '../middlewares/requireJsonBody';
import { schedulePost, SchedulingContext } from '../../domain/schedulePost';
import { presentPost } from './presenter';
import { parseScheduleRequest } from './schema';

/** Routes of scheduled posts, mounted under `/api/webhooks` behind authentication. */
export function postsRouter(scheduling: SchedulingContext): Router<AuthState> {
  const router = new Router<AuthState>();

  router.post('/schedule', requireJsonBody, async (ctx) => {
    const request = parseScheduleRequest(ctx.request.body);

    const { post, account } = await schedulePost(scheduling, { workspace: ctx.state.workspace, ...request });

    ctx.status = 201;
    ctx.set('Location', `/api/webhooks/posts/${post.id}`);
    ctx.body = presentPost(post, account);
  });

  return router;
}
