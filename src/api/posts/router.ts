import Router from '@koa/router';
import { cancelPost, editPost } from '../../domain/changePost';
import { findDeliveryAttempts, findPost, listPosts } from '../../domain/findPosts';
import { reconcilePost, reconcilePosts } from '../../domain/reconcilePosts';
import { schedulePost, SchedulingContext } from '../../domain/schedulePost';
import type { AuthState } from '../middlewares/authenticate';
import { idempotency } from '../middlewares/idempotency';
import { requireJsonBody } from '../middlewares/requireJsonBody';
import { parseEditRequest } from './editSchema';
import { encodeCursor, parseListQuery } from './listSchema';
import { presentPost, presentPostDetail } from './presenter';
import { parseScheduleRequest } from './schema';

/** Routes of scheduled posts, mounted under `/api/webhooks` behind authentication. */
export function postsRouter(scheduling: SchedulingContext): Router<AuthState> {
  const router = new Router<AuthState>();
  const lifecycle = { temporal: scheduling.temporal, logger: scheduling.logger };

  router.post('/schedule', requireJsonBody, idempotency, async (ctx) => {
    const request = parseScheduleRequest(ctx.request.body);

    const { post, account } = await schedulePost(scheduling, { workspace: ctx.state.workspace, ...request });

    ctx.status = 201;
    ctx.set('Location', `/api/webhooks/posts/${post.id}`);
    ctx.body = presentPost(post, account);
  });

  router.get('/posts', async (ctx) => {
    const query = parseListQuery(ctx.query);

    const page = await listPosts(ctx.state.workspace.id, query);
    await reconcilePosts(scheduling.temporal, page.posts, scheduling.logger);

    ctx.body = {
      data: page.posts.map((post) => presentPost(post, page.accounts.get(post.accountId)!)),
      next_cursor: page.nextCursor ? encodeCursor(page.nextCursor) : null,
    };
  });

  router.get('/posts/:id', async (ctx) => {
    const { post, account } = await findPost(ctx.state.workspace.id, ctx.params.id);

    await reconcilePost(scheduling.temporal, post, scheduling.logger);
    const attempts = await findDeliveryAttempts(post.id);

    ctx.body = presentPostDetail(post, account, attempts);
  });

  router.patch('/posts/:id', requireJsonBody, async (ctx) => {
    const edit = parseEditRequest(ctx.request.body);

    const { post, account } = await editPost(lifecycle, ctx.state.workspace, ctx.params.id, edit);

    ctx.body = presentPost(post, account);
  });

  router.delete('/posts/:id', async (ctx) => {
    const { post, account, settled } = await cancelPost(lifecycle, ctx.state.workspace, ctx.params.id);

    // 202: the cancel request is recorded, and the workflow marks the post once a worker runs it.
    ctx.status = settled ? 200 : 202;
    ctx.body = presentPost(post, account);
  });

  return router;
}
