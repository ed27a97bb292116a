// Drafts of the new-job wizard, kept in main (one JSON document in the data folder) so that a
// half-finished wizard survives a restart and the Jobs screen can list it.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as z from 'zod';
import {
  draft,
  draftInput,
  draftShippingStep,
  summarizeDraft,
  type Draft,
  type DraftInput,
  type DraftSummary,
  type DraftValues,
} from '../../../shared/prep/draft';
import { jsonFileStore, type DocumentStore } from '../store/jsonFile';
import { HaulError } from '../../../shared/errors';

/** The drafts, and the return shipping and contact of the last job created (offered on the next). */
const document = z.object({ version: z.literal(1), drafts: z.array(draft), contact: draftShippingStep.optional() });
type DraftsDocument = z.infer<typeof document>;

export class DraftNotFound extends HaulError {
  constructor(readonly id: string) {
    super(
      'not-found',
      `There is no draft with the id ${id}; it may have been deleted or turned into a job. Start a new job instead.`,
      'id',
    );
    this.name = 'DraftNotFound';
  }
}

export class DraftStore {
  private readonly store: DocumentStore<DraftsDocument>;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.store = jsonFileStore(path.join(dataDir, 'drafts.json'), {
      schema: document,
      initial: () => ({ version: 1 as const, drafts: [] }),
      mode: 0o600,
    });
  }

  get file(): string {
    return this.store.file;
  }
  /** Set when the drafts file was damaged and moved aside on the last read. */
  get recovered(): { movedTo: string; reason: string } | undefined {
    return this.store.recovered;
  }

  /** Newest first. */
  async list(): Promise<DraftSummary[]> {
    const doc = await this.store.read();
    return [...doc.drafts].sort((a, b) => b.updatedAt - a.updatedAt).map(summarizeDraft);
  }

  async get(id: string): Promise<Draft> {
    const found = (await this.store.read()).drafts.find((d) => d.id === id);
    if (!found) throw new DraftNotFound(id);
    return found;
  }

  /** Creates (no id) or replaces a draft; keeps its creation time. */
  async save(input: DraftInput): Promise<Draft> {
    const parsed = draftInput.parse(input);
    let saved: Draft | undefined;
    await this.store.update((doc) => {
      const now = this.now();
      const old = parsed.id ? doc.drafts.find((d) => d.id === parsed.id) : undefined;
      if (parsed.id && !old) throw new DraftNotFound(parsed.id);
      saved = {
        id: old?.id ?? randomUUID(),
        step: parsed.step,
        values: parsed.values,
        createdAt: old?.createdAt ?? now,
        updatedAt: now,
      };
      return { ...doc, drafts: [...doc.drafts.filter((d) => d.id !== saved!.id), saved] };
    });
    return saved!;
  }

  /** The return shipping and contact kept from the last job created. */
  async contact(): Promise<DraftValues['shipping'] | undefined> {
    return (await this.store.read()).contact;
  }

  async saveContact(shipping: z.input<typeof draftShippingStep>): Promise<void> {
    const contact = draftShippingStep.parse(shipping);
    await this.store.update((doc) => ({ ...doc, contact }));
  }

  async delete(id: string): Promise<boolean> {
    let deleted = false;
    await this.store.update((doc) => {
      deleted = doc.drafts.some((d) => d.id === id);
      return { ...doc, drafts: doc.drafts.filter((d) => d.id !== id) };
    });
    return deleted;
  }
}
