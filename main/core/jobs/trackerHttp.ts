// A JobSource over the ARM API of the connected service (Get Job, List Jobs following nextLink),
// for the tracker until it reads through the jobs namespace's service client; and the local
// sandbox's clock (wall clock plus the offset `haul ops advance` writes to its clock.json), so
// the deadline estimates follow the sandbox's time.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import type { JobResponse, ListJobsResponse } from '../../../shared/arm/schemas';
import type { ServiceConnection } from '../../../shared/arm/service';
import type { JobSource } from './trackerSource';

const API_VERSION = '2021-01-01';

function get(conn: ServiceConnection, ca: string, url: URL): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, headers: { authorization: `Bearer ${conn.token}` }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('the service did not answer within 30 s'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

function armError(status: number, json: unknown): Error {
  const e = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
  return Object.assign(new Error(e?.message ?? `HTTP ${status}`), { statusCode: status, code: e?.code });
}

export function httpJobSource(conn: ServiceConnection): JobSource {
  const ca = readFileSync(conn.ca, 'utf8');
  const base = `${conn.endpoint}/subscriptions/${conn.subscriptionId}/resourceGroups/${conn.resourceGroup}/providers/Microsoft.ImportExport/jobs`;
  return {
    async list() {
      const out: JobResponse[] = [];
      let next: string | undefined = `${base}?api-version=${API_VERSION}`;
      while (next) {
        const url: URL = new URL(next);
        if (url.origin !== new URL(conn.endpoint).origin) throw new Error(`the job list pointed outside the service (${url.origin})`);
        const r = await get(conn, ca, url);
        if (r.status !== 200) throw armError(r.status, r.json);
        const page = r.json as ListJobsResponse;
        out.push(...page.value);
        next = page.nextLink;
      }
      return out;
    },
    async get(name) {
      const r = await get(conn, ca, new URL(`${base}/${encodeURIComponent(name)}?api-version=${API_VERSION}`));
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw armError(r.status, r.json);
      return r.json as JobResponse;
    },
  };
}

/** The local sandbox's clock: its offset is re-read at most once a second. */
export function sandboxNow(serviceDataDir: string, wall: () => number = Date.now): () => number {
  const file = path.join(serviceDataDir, 'clock.json');
  let offset = 0;
  let readAt = -Infinity;
  return () => {
    const t = wall();
    if (t - readAt > 1000) {
      readAt = t;
      try {
        const v = (JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs;
        offset = typeof v === 'number' && Number.isFinite(v) ? v : 0;
      } catch {
        offset = 0;
      }
    }
    return t + offset;
  };
}
