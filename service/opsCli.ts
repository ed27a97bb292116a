// `haul ops <action>`: the data center's operators, talking to a running service over its
// operator routes. Endpoint, token and CA come from flags or from the service's connection file
// (`--data-dir DIR` reads DIR/connection.json).
import { messageOf } from '../shared/errors';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CONNECTION_FILE,
  OPS_PREFIX,
  ServiceConnectionSchema,
  type ServiceConnection,
} from '../shared/service/connection';
import { ArmErrorSchema } from '../shared/arm/schemas';
import { describeIssues } from '../shared/validation';
import { httpsJson } from './httpsJson';

const HELP = `Usage: haul ops <action> [connection] [options]

Connection (one of):
  --data-dir DIR            read DIR/connection.json written by "haul service"
  --endpoint URL --token T --ca PEM

Job actions (all take --job NAME [--resource-group RG]; RG defaults to the sandbox's group):
  package-arrived  --drive ID[=PATH] ...     the package arrived with these drives (and where each can be read)
  register-drive   --drive-id ID --path P    where an arrived drive can be read (used by start-drive and --auto)
  drive-missing    --drive-id ID             the package arrived without this drive (D4)
  extra-drive      --drive-id ID [--path P]  a drive not in the job's list was in the package (JE5/DE2)
  start-drive      --drive-id ID [--path P] [--no-wait]   copy the drive into storage (checks every block's MD5)
  fault            [--drive-id ID] --reason TEXT
  resolve          [--drive-id ID] [--state STATE]
  return-address-wrong      --reason TEXT
  return-address-corrected
  customer-unreachable
  ship-back        --carrier NAME --tracking NUMBER [--ship-date YYYY-MM-DD]
  export           --target [ID=]FOLDER ... [--capacity BYTES] [--no-wait]   write an export job's blobs onto folders
  show             the job as the operators see it (life cycle, alerts, deadlines)

Service actions:
  list                             every job, with state
  advance --days N                 move the service clock forward (sandbox only); due timers fire
  clock                            the service clock
  add-storage-account --name NAME  create a storage account in the sandbox storage

Add --json to print the service's full answer.`;

interface Conn {
  endpoint: string;
  token: string;
  ca: string;
  resourceGroup: string;
}

async function connection(v: Record<string, unknown>): Promise<Conn> {
  let file: ServiceConnection | undefined;
  if (typeof v['data-dir'] === 'string') {
    const path = join(v['data-dir'], CONNECTION_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new Error(`${path} does not exist: is "haul service --data-dir ${v['data-dir']}" running (or has it run)?`);
    }
    const r = ServiceConnectionSchema.safeParse(JSON.parse(text));
    if (!r.success) throw new Error(`${path} is not a service connection file (${describeIssues(r.error)}).`);
    file = r.data;
  }
  const endpoint = (v.endpoint as string | undefined) ?? file?.endpoint;
  const token = (v.token as string | undefined) ?? file?.token;
  const caPath = (v.ca as string | undefined) ?? file?.ca;
  if (!endpoint || !token || !caPath)
    throw new Error('Tell "haul ops" where the service is: --data-dir DIR, or --endpoint, --token and --ca.');
  const ca = await readFile(caPath, 'utf8').catch(() => {
    throw new Error(`The certificate ${caPath} cannot be read.`);
  });
  return {
    endpoint,
    token,
    ca,
    resourceGroup: (v['resource-group'] as string | undefined) ?? file?.resourceGroup ?? 'haul-sandbox',
  };
}

async function call(c: Conn, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  try {
    return await httpsJson({ endpoint: c.endpoint, ca: c.ca, token: c.token }, method, path, body);
  } catch (e) {
    throw new Error(`Cannot reach the service at ${c.endpoint} (${messageOf(e)}); is it running?`);
  }
}

interface OpsJobView {
  name: string;
  resourceGroup: string;
  lifecycle: {
    state: string;
    cancelRequested: boolean;
    drives: {
      driveId: string;
      state: string;
      bytesSucceeded: number;
      bytesTotal: number;
      copyStatus?: string;
      errorLogUri?: string;
    }[];
  };
  alerts: { message: string }[];
}

function summary(v: OpsJobView): string {
  const lc = v.lifecycle;
  const lines = [`job ${v.resourceGroup}/${v.name}: ${lc.state}${lc.cancelRequested ? ' (cancel requested)' : ''}`];
  for (const d of lc.drives) {
    lines.push(
      `  drive ${d.driveId}: ${d.state}${d.bytesTotal ? ` ${d.bytesSucceeded}/${d.bytesTotal} bytes` : ''}${d.copyStatus ? ` — ${d.copyStatus}` : ''}${d.errorLogUri ? `\n    error log: ${d.errorLogUri}` : ''}`,
    );
  }
  // Only the alerts whose cause has not ended: a resolved fault or a job now Shipping says nothing more.
  for (const a of v.alerts) lines.push(`  alert: ${a.message}`);
  return lines.join('\n');
}

const JOB_ACTIONS = new Set([
  'package-arrived',
  'register-drive',
  'drive-missing',
  'extra-drive',
  'start-drive',
  'fault',
  'resolve',
  'return-address-wrong',
  'return-address-corrected',
  'customer-unreachable',
  'ship-back',
  'export',
  'show',
]);

const SERVICE_ACTIONS = new Set(['list', 'advance', 'clock', 'add-storage-account']);

const OPTIONS = {
  'data-dir': { type: 'string' },
  endpoint: { type: 'string' },
  token: { type: 'string' },
  ca: { type: 'string' },
  'resource-group': { type: 'string' },
  job: { type: 'string' },
  'drive-id': { type: 'string' },
  drive: { type: 'string', multiple: true },
  path: { type: 'string' },
  reason: { type: 'string' },
  state: { type: 'string' },
  carrier: { type: 'string' },
  tracking: { type: 'string' },
  'ship-date': { type: 'string' },
  target: { type: 'string', multiple: true },
  capacity: { type: 'string' },
  days: { type: 'string' },
  name: { type: 'string' },
  json: { type: 'boolean' },
  'no-wait': { type: 'boolean' },
} as const;

/** One call to the operator routes. */
interface OpsRequest {
  method: 'GET' | 'POST';
  path: string;
  body: unknown;
}

/** A flag the action cannot do without: its value, or an error that names it. */
type Need = (flag: string) => string;

export async function run(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (!action || action === '--help' || action === '-h' || action === 'help') {
    console.log(HELP);
    return action ? 0 : 2;
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: OPTIONS, strict: true }));
  } catch (e) {
    console.error(`haul ops ${action}: ${messageOf(e)}\n\nRun "haul ops --help" for the actions and options.`);
    return 2;
  }
  const isJob = JOB_ACTIONS.has(action);
  if (!isJob && !SERVICE_ACTIONS.has(action)) {
    console.error(`haul ops: "${action}" is not an action.\n\n${HELP}`);
    return 2;
  }
  if (isJob && typeof values.job !== 'string') {
    console.error(`haul ops ${action}: --job NAME is required.`);
    return 2;
  }
  const need: Need = (flag) => {
    const v = values[flag];
    if (typeof v !== 'string' || v === '') throw new Error(`haul ops ${action}: --${flag} is required.`);
    return v;
  };
  try {
    const c = await connection(values);
    const jobPath = `${OPS_PREFIX}/jobs/${encodeURIComponent(c.resourceGroup)}/${encodeURIComponent(String(values.job))}`;
    const req = isJob ? jobRequest(action, values, jobPath, need) : serviceRequest(action, values, need);
    const res = await call(c, req.method, req.path, req.body);
    if (res.status >= 400) {
      const err = ArmErrorSchema.safeParse(res.json);
      console.error(
        `haul ops ${action}: ${err.success ? `${err.data.error.message} (${err.data.error.code})` : `the service answered ${res.status}`}`,
      );
      return 1;
    }
    if (values.json) console.log(JSON.stringify(res.json, null, 2));
    else if (action === 'list') {
      const list = (res.json as { value: OpsJobView[] }).value;
      console.log(list.length ? list.map(summary).join('\n') : 'no jobs');
    } else if (isJob) console.log(summary(res.json as OpsJobView));
    else console.log(JSON.stringify(res.json));
    return 0;
  } catch (e) {
    console.error(messageOf(e));
    return 1;
  }
}

/** The call for one of the service's own actions (the job list, the clock, storage accounts). */
function serviceRequest(action: string, values: Record<string, unknown>, need: Need): OpsRequest {
  switch (action) {
    case 'list':
      return { method: 'GET', path: `${OPS_PREFIX}/jobs`, body: undefined };
    case 'clock':
      return { method: 'GET', path: `${OPS_PREFIX}/clock`, body: undefined };
    case 'advance': {
      const days = Number(need('days'));
      if (!Number.isFinite(days) || days <= 0)
        throw new Error(`haul ops advance: --days must be a positive number, got "${String(values.days)}".`);
      return { method: 'POST', path: `${OPS_PREFIX}/clock/advance`, body: { days } };
    }
    case 'add-storage-account':
      return { method: 'POST', path: `${OPS_PREFIX}/storage-accounts`, body: { name: need('name') } };
    default:
      throw new Error(`haul ops: "${action}" is not an action.`);
  }
}

/** The call for an action on one job (what happened to its package and drives, at the data center). */
function jobRequest(action: string, values: Record<string, unknown>, jobPath: string, need: Need): OpsRequest {
  const post = (body: unknown = {}): OpsRequest => ({ method: 'POST', path: `${jobPath}/${action}`, body });
  switch (action) {
    case 'show':
      return { method: 'GET', path: jobPath, body: undefined };
    case 'package-arrived':
      return post({ drives: arrivedDrives(values) });
    case 'register-drive':
      return post({ driveId: need('drive-id'), path: need('path') });
    case 'drive-missing':
      return post({ driveId: need('drive-id') });
    case 'extra-drive':
      return post({ driveId: need('drive-id'), ...(values.path ? { path: values.path } : {}) });
    case 'start-drive':
      return post({
        driveId: need('drive-id'),
        ...(values.path ? { path: values.path } : {}),
        ...(values['no-wait'] ? { wait: false } : {}),
      });
    case 'fault':
      return post({ reason: need('reason'), ...(values['drive-id'] ? { driveId: values['drive-id'] } : {}) });
    case 'resolve':
      return post({
        ...(values['drive-id'] ? { driveId: values['drive-id'] } : {}),
        ...(values.state ? { state: values.state } : {}),
      });
    case 'return-address-wrong':
      return post({ reason: need('reason') });
    case 'return-address-corrected':
    case 'customer-unreachable':
      return post();
    case 'ship-back':
      return post({
        carrierName: need('carrier'),
        trackingNumber: need('tracking'),
        ...(values['ship-date'] ? { shipDate: values['ship-date'] } : {}),
      });
    case 'export':
      return post({ drives: exportTargets(values), ...(values['no-wait'] ? { wait: false } : {}) });
    default:
      throw new Error(`haul ops: "${action}" is not an action.`);
  }
}

/** `--drive ID` or `--drive ID=PATH`, one per drive the package held. */
function arrivedDrives(values: Record<string, unknown>): { driveId: string; path?: string }[] {
  const drives = (values.drive as string[] | undefined) ?? [];
  if (!drives.length)
    throw new Error(
      'haul ops package-arrived: name the drives found with --drive ID or --drive ID=PATH (repeat for each drive).',
    );
  return drives.map((d) => {
    const i = d.indexOf('=');
    return i < 0 ? { driveId: d } : { driveId: d.slice(0, i), path: d.slice(i + 1) };
  });
}

/** `--target FOLDER` or `--target DRIVEID=FOLDER`, one per drive, each with `--capacity` when given. */
function exportTargets(values: Record<string, unknown>): { driveId?: string; path: string; capacityBytes?: number }[] {
  const targets = (values.target as string[] | undefined) ?? [];
  if (!targets.length)
    throw new Error('haul ops export: name a target folder per drive with --target FOLDER or --target DRIVEID=FOLDER.');
  const capacity = values.capacity === undefined ? undefined : Number(values.capacity);
  if (capacity !== undefined && (!Number.isInteger(capacity) || capacity <= 0))
    throw new Error('haul ops export: --capacity must be a whole number of bytes.');
  return targets.map((t) => {
    const i = t.indexOf('=');
    const base = i < 0 ? { path: t } : { driveId: t.slice(0, i), path: t.slice(i + 1) };
    return capacity ? { ...base, capacityBytes: capacity } : base;
  });
}
