// Drive preparation run by main, drafts of the new-job wizard and the folder browser (issue
// "The new-job wizard"): schemas of the prep.*, drafts.* and fs.* channels and prep.progress.
import { z } from 'zod';
import type { ChannelSpec, EventSpec } from './spec';
import type { PrepChannel } from '../names';

export const prepChannels = {} satisfies ChannelSpec<PrepChannel>;

export const prepEvents = {
  'prep.progress': z.object({ sessionId: z.string(), bytesDone: z.number(), bytesTotal: z.number() }).passthrough(),
} satisfies EventSpec<'prep.progress'>;
