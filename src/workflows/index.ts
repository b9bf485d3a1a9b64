export { scheduledPostWorkflow } from './scheduledPost';
export type { ScheduledPostInput } from './scheduledPost';
