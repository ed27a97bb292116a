// A JSON request to the local service over HTTPS, trusting exactly its certificate: what
// `haul ops` and the service's tests both speak. A body that is an object is sent as JSON; a
// string or Buffer is sent as it is (tests send broken JSON on purpose).
import { request } from 'node:https';

export interface ServiceTarget {
  endpoint: string;
  /** The service's certificate (PEM). */
  ca: string;
  /** The Bearer token; undefined sends none. */
  token: string | undefined;
}

export interface JsonAnswer {
  status: number;
  /** The parsed body; undefined when it is empty or not JSON (then see `text`). */
  json: unknown;
  text: string;
}

export function httpsJson(
  to: ServiceTarget,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const payload =
      body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const req = request(
      new URL(path, to.endpoint),
      {
        method,
        ca: to.ca,
        headers: {
          ...(to.token ? { authorization: `Bearer ${to.token}` } : {}),
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
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
          resolve({ status: res.statusCode ?? 0, json, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
