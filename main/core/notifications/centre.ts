// The notification centre: the last 200 notices, kept in the data folder with their read marks.
// Delivery stores first and then pops up, so a notice the centre has is never lost; an id it
// already has is dropped (the tracker's outbox may hand the same notice over again after a crash).
import path from 'node:path';
import * as z from 'zod';
import {
  disposition,
  HaulNotice,
  type NoticeDraft,
  type NotificationSettings,
  type Popup,
} from '../../../shared/notifications';
import { jsonFileStore, type DocumentStore } from '../store/jsonFile';
import type { Notifier } from './port';

export const CENTRE_LIMIT = 200;
export const CENTRE_FILE = 'notifications.json';

export const CentreDoc = z.object({
  version: z.literal(1),
  /** Oldest first. */
  notices: z.array(HaulNotice),
});
export type CentreDoc = z.infer<typeof CentreDoc>;

export function centreStore(dataDir: string): DocumentStore<CentreDoc> {
  return jsonFileStore(path.join(dataDir, CENTRE_FILE), {
    schema: CentreDoc,
    initial: () => ({ version: 1 as const, notices: [] }),
    mode: 0o600,
  });
}

export interface CentreOptions {
  store: DocumentStore<CentreDoc>;
  settings: () => Promise<NotificationSettings>;
  /** The shell's desktop notifications; absent in browser mode (the page pops up). */
  notifier?: Notifier;
  /** Pushes the `notification` event to every window. */
  emit: (notice: HaulNotice) => void;
  /** Pushes the new unread count after marks change. */
  emitUnread?: (unread: number) => void;
  now: () => number;
}

export interface NoticeList {
  /** Newest first. */
  notices: HaulNotice[];
  unread: number;
}

export class NotificationCentre {
  constructor(private readonly opts: CentreOptions) {}

  async deliver(drafts: NoticeDraft[]): Promise<void> {
    if (drafts.length === 0) return;
    const settings = await this.opts.settings();
    const now = this.opts.now();
    const added: HaulNotice[] = [];
    await this.opts.store.update((doc) => {
      const have = new Set(doc.notices.map((n) => n.id));
      for (const d of drafts) {
        if (have.has(d.id)) continue;
        have.add(d.id);
        const how = disposition(settings, d, now);
        const popup: Popup = !how.popup ? 'none' : this.opts.notifier ? 'shell' : 'page';
        added.push({ ...d, read: how.read, popup });
      }
      return { ...doc, notices: [...doc.notices, ...added].slice(-CENTRE_LIMIT) };
    });
    for (const n of added) {
      if (n.popup === 'shell') {
        try {
          this.opts.notifier?.show(n);
        } catch {
          // A desktop that refuses a popup loses nothing: the notice is in the centre.
        }
      }
      this.opts.emit(n);
    }
  }

  async list(): Promise<NoticeList> {
    const doc = await this.opts.store.read();
    return { notices: [...doc.notices].reverse(), unread: doc.notices.filter((n) => !n.read).length };
  }

  /** Marks the given notices read (or all of them); answers the unread count left. */
  async markRead(which: { ids: string[] } | { all: true }): Promise<number> {
    const ids = 'ids' in which ? new Set(which.ids) : undefined;
    const doc = await this.opts.store.update((d) => ({
      ...d,
      notices: d.notices.map((n) => (n.read || (ids && !ids.has(n.id)) ? n : { ...n, read: true })),
    }));
    const unread = doc.notices.filter((n) => !n.read).length;
    this.opts.emitUnread?.(unread);
    return unread;
  }
}
