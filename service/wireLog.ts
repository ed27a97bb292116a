// The wire log of `haul service --verbose`: each request and each response as it went over the
// wire (method, URL, headers, body), so a customer whose script fails can see what the service got
// and said. Secrets are masked before anything is written — the Authorization header, BitLocker
// keys, account keys and connection strings, SAS signatures, tokens and passwords — and every
// part is cut to a bounded length, so one request never writes more than a few kilobytes.

/** Characters of one body written to the log; the rest is counted, not written. */
export const WIRE_BODY_LIMIT = 4096;
/** Characters of a URL or of the headers written to the log. */
export const WIRE_LINE_LIMIT = 2048;

export const MASK = '***';

/** Property names whose values are secrets, wherever they appear in a JSON body (compared in lower case, without - and _). */
const SECRET_PROPERTIES = new Set([
  'bitlockerkey',
  'accountkey',
  'key',
  'keys',
  'key1',
  'key2',
  'primarykey',
  'secondarykey',
  'connectionstring',
  'password',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'sastoken',
  'sas',
  'sasurl',
  'authorization',
]);

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-ms-copy-source-authorization',
]);

/** URL query parameters that carry a secret: a SAS signature, tokens. */
const SECRET_QUERY = new Set(['sig', 'token', 'access_token', 'code', 'skoid']);

const isSecretProperty = (k: string) => SECRET_PROPERTIES.has(k.toLowerCase().replace(/[-_]/g, ''));

/** Secrets inside free text: connection strings, SAS signatures, bearer tokens, JSON fields of unparsable bodies. */
export function maskText(s: string): string {
  return (
    s
      // AccountKey=...; SharedAccessSignature=...; in connection strings
      .replace(/\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=[^;"'\s]*/gi, `$1=${MASK}`)
      // sig=... in SAS URLs (also &amp;sig=)
      .replace(/([?&;]sig=)[^&"'\s]*/gi, `$1${MASK}`)
      .replace(/\b(Bearer|Basic|SharedKey)\s+[^\s"',]+/gi, `$1 ${MASK}`)
      // "bitLockerKey": "..." and other secret fields in text that is not valid JSON
      .replace(/"([A-Za-z_-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (m, k: string, sep: string) =>
        isSecretProperty(k) ? `"${k}"${sep}"${MASK}"` : m,
      )
      // a BitLocker recovery password anywhere: 8 groups of 6 digits
      .replace(/\b\d{6}(?:-\d{6}){7}\b/g, MASK)
  );
}

/** A copy of a JSON value with every secret property's value replaced by the mask. */
export function maskJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskJson);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, isSecretProperty(k) && x !== null && x !== '' ? MASK : maskJson(x)]),
    );
  }
  return typeof v === 'string' ? maskText(v) : v;
}

/** Cuts a text to `limit` characters, saying how many were left out. */
export function bounded(s: string, limit: number): string {
  return s.length <= limit ? s : `${s.slice(0, limit)}… (${s.length - limit} more characters not logged)`;
}

/** A body as the log shows it: JSON masked property by property, anything else masked as text; then bounded. */
export function maskBody(text: string): string {
  if (text === '') return '(none)';
  let shown: string;
  try {
    shown = JSON.stringify(maskJson(JSON.parse(text)));
  } catch {
    shown = maskText(text);
  }
  return bounded(shown, WIRE_BODY_LIMIT);
}

export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return bounded(url, WIRE_LINE_LIMIT);
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = decodeURIComponentSafe(eq < 0 ? p : p.slice(0, eq)).toLowerCase();
      return SECRET_QUERY.has(name) && eq >= 0 ? `${p.slice(0, eq)}=${MASK}` : maskText(p);
    });
  return bounded(`${url.slice(0, q)}?${params.join('&')}`, WIRE_LINE_LIMIT);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function maskHeaders(headers: Record<string, string | string[] | number | undefined>): string {
  const shown: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    if (!SECRET_HEADERS.has(k.toLowerCase())) shown[k] = maskText(value);
    else {
      // The scheme says which credential was sent (Bearer, Basic); never the credential itself.
      const scheme = /^(\w+)\s/.exec(value)?.[1];
      shown[k] = scheme ? `${scheme} ${MASK}` : MASK;
    }
  }
  return bounded(JSON.stringify(shown), WIRE_LINE_LIMIT);
}

export interface WireExchange {
  requestId: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string | string[] | number | undefined>;
  /** The body as received; undefined when it was not read (refused before, e.g. 401). */
  requestBody: string | undefined;
  status: number;
  responseHeaders: Record<string, string | string[] | number | undefined>;
  responseBody: string;
  ms: number;
}

/** The lines the wire log writes for one request and its response. */
export function wireLines(x: WireExchange): string[] {
  return [
    `--> ${x.method} ${maskUrl(x.url)} (request ${x.requestId})`,
    `    headers: ${maskHeaders(x.requestHeaders)}`,
    `    body: ${x.requestBody === undefined ? '(not read)' : maskBody(x.requestBody)}`,
    `<-- ${x.status} ${x.method} ${maskUrl(x.url.split('?')[0] ?? '')} ${x.ms.toFixed(1)}ms (request ${x.requestId})`,
    `    headers: ${maskHeaders(x.responseHeaders)}`,
    `    body: ${maskBody(x.responseBody)}`,
  ];
}
