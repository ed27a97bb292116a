// Persistence: one JSON file per job under `<dataDir>/jobs/`, each written atomically
// (temp file + fsync + rename + fsync of the folder). The in-memory map is what requests read;
// a change is acknowledged to the client only after its file is durable, and writes to one job
// are queued in order, so kill -9 at any moment leaves every file either old or new.
import { messageOf } from '../shared/errors';
import { chmod, mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as z from 'zod';
import { lifecycleJobSchema, type LifecycleJob } from '../shared/lifecycle';
import { ExportSchema, EncryptionKeySchema, ShippingInformationSchema } from '../shared/arm/schemas';
import { removeStaleTemps, unlinkDurable, writeFileAtomic } from '../shared/node/atomicWrite';

const DriveExtraSchema = z.object({
  bitLockerKey: z.string().optional(),
  manifestFile: z.string().optional(),
  manifestHash: z.string().optional(),
  driveHeaderHash: z.string().optional(),
  manifestUri: z.string().optional(),
  /** Operators: where the arrived drive can be read (folder or mount point). */
  path: z.string().optional(),
});
export type DriveExtra = z.infer<typeof DriveExtraSchema>;

export const StoredJobSchema = z.object({
  v: z.literal(1),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  name: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()).optional(),
  createdAt: z.number(),
  modifiedAt: z.number(),
  storageAccountId: z.string(),
  diagnosticsPath: z.string(),
  backupDriveManifest: z.boolean(),
  export: ExportSchema.optional(),
  encryptionKey: EncryptionKeySchema,
  shippingInformation: ShippingInformationSchema,
  incompleteBlobListUri: z.string().optional(),
  drives: z.record(z.string(), DriveExtraSchema),
  // The life-cycle job is owned by shared/lifecycle, which also owns its schema.
  lifecycle: lifecycleJobSchema.transform((j) => j as LifecycleJob),
});
export type StoredJob = z.infer<typeof StoredJobSchema>;

export const jobKey = (resourceGroup: string, name: string) => `${resourceGroup.toLowerCase()}/${name.toLowerCase()}`;

export class JobStore {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly queues = new Map<string, Promise<void>>();
  private sortedKeys: string[] | undefined;

  private constructor(
    private readonly dir: string,
    private readonly log: (s: string) => void,
  ) {}

  static async open(dataDir: string, log: (s: string) => void = () => undefined): Promise<JobStore> {
    const dir = join(dataDir, 'jobs');
    // The files hold the BitLocker keys of the sandbox's jobs: only the user may read them.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const store = new JobStore(dir, log);
    const stale = await removeStaleTemps(dir);
    if (stale) log(`removed ${stale} unfinished temporary file(s) from ${dir} (writes that were never acknowledged)`);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json'))) {
      const path = join(dir, file);
      try {
        const job = StoredJobSchema.parse(JSON.parse(await readFile(path, 'utf8')));
        store.jobs.set(jobKey(job.resourceGroup, job.name), job);
      } catch (e) {
        // Keep the bytes for a person to look at; never serve or overwrite a file we cannot read.
        await mkdir(join(dir, 'damaged'), { recursive: true });
        await rename(path, join(dir, 'damaged', file));
        log(
          `job file ${path} could not be read (${messageOf(e).slice(0, 300)}); moved to ${join(dir, 'damaged', file)}`,
        );
      }
    }
    return store;
  }

  get size(): number {
    return this.jobs.size;
  }
  get(key: string): StoredJob | undefined {
    return this.jobs.get(key);
  }
  all(): IterableIterator<StoredJob> {
    return this.jobs.values();
  }

  /** Keys in a stable order (resource group, then name), for paging. */
  keys(): string[] {
    this.sortedKeys ??= [...this.jobs.keys()].sort();
    return this.sortedKeys;
  }

  private fileOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  private enqueue(key: string, work: () => Promise<void>): Promise<void> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(work);
    this.queues.set(key, next);
    void next
      .finally(() => {
        if (this.queues.get(key) === next) this.queues.delete(key);
      })
      .catch(() => undefined);
    return next;
  }

  /**
   * Replaces the job in memory at once and resolves when its file is durable. When the file cannot
   * be written (a full disk), memory goes back to what the disk holds: the change was not applied.
   */
  put(job: StoredJob): Promise<void> {
    const key = jobKey(job.resourceGroup, job.name);
    const before = this.jobs.get(key);
    if (!before) this.sortedKeys = undefined;
    this.jobs.set(key, job);
    const snapshot = `${JSON.stringify(job)}\n`;
    return this.enqueue(key, () => writeFileAtomic(this.fileOf(key), snapshot, { mode: 0o600 })).catch((e: unknown) => {
      if (this.jobs.get(key) === job) {
        if (before) this.jobs.set(key, before);
        else {
          this.jobs.delete(key);
          this.sortedKeys = undefined;
        }
      }
      throw e;
    });
  }

  delete(key: string): Promise<void> {
    if (this.jobs.delete(key)) this.sortedKeys = undefined;
    return this.enqueue(key, () => unlinkDurable(this.fileOf(key)));
  }

  /** Resolves when every queued write has finished. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.queues.values()]);
  }
}
