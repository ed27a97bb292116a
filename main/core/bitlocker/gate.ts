// Where the BitLocker gates meet the bridge: on an Azure connection, a plan is not ready and a copy
// does not start while a target drive is not BitLocker-encrypted NTFS whose recovery password opens
// it, and an import job is not created without a recovery password per drive (or at all from
// macOS). On any connection, a drive whose driveset row says Encryption=Encrypt is held until
// BitLocker is on and its recovery password is known (the driveset given, or the draft's when its
// drives were chosen from it). One gate per core (its key-check answers are kept in memory a while).
import { messageOf } from '../../../shared/errors';
import { drivesetRowFor, recoveryPasswordProblem } from '../../../shared/bitlocker';
import { parseDriveset } from '../../../shared/formats/dataset';
import { HandlerError } from '../../../shared/ipc/contract';
import type { CsvInput, PrepPlanResult, PrepSpecInput, TargetProblem } from '../../../shared/prep/session';
import type { CoreContext } from '../bridge/context';
import { realPath } from '../drives/target';
import { targetsOf, type DrivesetTarget } from '../prep/app/inputs';
import { NO_BITLOCKER_ON_MAC, systemTools, type BitLockerTools } from '.';
import { azureTargetProblems, KeyCheckCache, targetVolume } from './azure';
import { formatConfirmation } from './enable';
import { driveLetter } from './windows';

/** prep's own Azure notes, which a gate problem about the same drive says better */
const SUPERSEDED = new Set(['not-ntfs', 'no-bitlocker']);

export interface AzureGate {
  /** The plan, held to the data center's rules on an Azure connection, and to the driveset's Encrypt rows. */
  plan(spec: PrepSpecInput, result: PrepPlanResult, draftId?: string): Promise<PrepPlanResult>;
  /** Throws the first reason a copy may not start (for Azure, or before BitLocker is on where the driveset asks). */
  beforeStart(spec: PrepSpecInput, draftId?: string): Promise<void>;
  /** Throws when an import job may not be created for Azure. */
  beforeCreate(request: { type: string; drives?: { driveId: string; bitLockerKey?: string | undefined }[] }): void;
}

const gates = new WeakMap<CoreContext, AzureGate>();

export function azureGateOf(ctx: CoreContext): AzureGate {
  let gate = gates.get(ctx);
  if (!gate) {
    gate = createAzureGate(
      () => ctx.connections?.current()?.kind === 'azure',
      ctx.options.bitlocker ?? systemTools(),
      async (draftId) => (await ctx.drafts?.get(draftId).catch(() => undefined))?.values.importData.driveset,
    );
    gates.set(ctx, gate);
  }
  return gate;
}

/** Targets whose driveset row asks Haul to turn BitLocker on: the spec's driveset, or the draft's for chosen drives. */
async function encryptTargets(
  spec: PrepSpecInput,
  platform: string,
  draftDriveset: CsvInput | undefined,
): Promise<DrivesetTarget[]> {
  if (spec.driveset && !spec.targets?.length)
    // off Windows targetsOf refuses an Encrypt row itself (the plan says so, naming the row)
    return platform === 'win32' ? targetsOf({ targets: [], driveset: spec.driveset }).filter((t) => t.encrypt) : [];
  if (!draftDriveset || !('text' in draftDriveset) || !spec.targets?.length) return [];
  let rows;
  try {
    rows = parseDriveset(draftDriveset.text, draftDriveset.name);
  } catch {
    return []; // a driveset that cannot be read was refused where it was loaded
  }
  const out: DrivesetTarget[] = [];
  for (const t of spec.targets) {
    const row = drivesetRowFor(rows, t.path, platform);
    if (row?.encryption === 'Encrypt')
      out.push({
        path: t.path,
        ...(t.bitLockerKey ? { bitLockerKey: t.bitLockerKey } : {}),
        encrypt: { file: draftDriveset.name ?? 'driveset.csv', row: row.row, format: row.formatOption === 'Format' },
      });
  }
  return out;
}

/** Why each Encrypt row's drive may not be copied to yet: BitLocker not on, not finished, or its key unknown. */
export async function encryptProblems(targets: DrivesetTarget[], tools: BitLockerTools): Promise<TargetProblem[]> {
  const problems: TargetProblem[] = [];
  for (const t of targets) {
    if (!t.encrypt) continue;
    const { file, row, format } = t.encrypt;
    const asks = `${file}, row ${row}, asks Haul to turn BitLocker on for ${t.path} before the copy (Encryption=Encrypt)`;
    const letter = driveLetter(t.path.slice(0, 3)) ?? t.path;
    const push = (message: string, fix: string) => problems.push({ code: 'blocked', target: t.path, message, fix });
    if (tools.platform !== 'win32') {
      push(
        `${asks}, which Haul can do only on Windows.`,
        'Turn BitLocker on on a Windows computer, then set the row to AlreadyEncrypted with the drive’s recovery password.',
      );
      continue;
    }
    let v;
    try {
      v = await targetVolume(t.path, tools);
    } catch (e) {
      v = messageOf(e);
    }
    if (typeof v === 'string') {
      push(
        `${asks}, but Haul cannot read its BitLocker state: ${v}.`,
        'Run Haul as administrator, and check the drive.',
      );
      continue;
    }
    if (v.bitlocker === 'none')
      push(
        `${asks}; BitLocker is not on yet.`,
        format
          ? `Press Turn on BitLocker beside the drive: as the row says (FormatOption=Format), it formats ${letter} NTFS first, erasing it, once you type "${formatConfirmation(letter)}".`
          : 'Press Turn on BitLocker beside the drive.',
      );
    else if (v.conversion === 'encrypting')
      push(
        `${asks}; BitLocker is still encrypting it (${v.percent ?? 0}%).`,
        'Wait until it has finished; Haul then reads its recovery password.',
      );
    else if (!t.bitLockerKey?.trim())
      push(
        `${asks}; BitLocker is on, but Haul does not have its recovery password for the job.`,
        'Press Read from the drive beside it.',
      );
  }
  return problems;
}

export function createAzureGate(
  forAzure: () => boolean,
  tools: BitLockerTools,
  drivesetOfDraft: (draftId: string) => Promise<CsvInput | undefined> = async () => undefined,
): AzureGate {
  const cache = new KeyCheckCache();
  const encryptOf = async (spec: PrepSpecInput, draftId: string | undefined) =>
    encryptTargets(spec, tools.platform, draftId ? await drivesetOfDraft(draftId) : undefined);
  const problemsOf = async (
    spec: PrepSpecInput,
    toEncrypt: DrivesetTarget[],
    names: Map<string, string> = new Map(),
  ) => {
    const encrypt = await encryptProblems(toEncrypt, tools);
    if (!forAzure()) return encrypt;
    // a drive the driveset asks to encrypt is said once, by the driveset's problem
    const held = new Set(encrypt.map((p) => p.target));
    const targets = targetsOf({ targets: spec.targets ?? [], driveset: spec.driveset }).filter(
      (t) => !held.has(t.path),
    );
    return [...encrypt, ...(await azureTargetProblems(targets, tools, cache, (p) => names.get(p) ?? p))];
  };
  return {
    async plan(spec, result, draftId) {
      if (!spec.targets?.length && !spec.driveset) return result;
      // name drives as the plan does: its id and where it is
      const names = new Map<string, string>();
      for (const [k, t] of (spec.targets ?? []).entries()) {
        const resolved = result.targets.find((r) => r.path === t.path) ?? result.targets[k];
        if (resolved) names.set(t.path, `${resolved.driveId} (${t.path})`);
      }
      const toEncrypt = await encryptOf(spec, draftId);
      const problems = await problemsOf(spec, toEncrypt, names);
      const blocked = new Set(problems.map((p) => realPath(p.target)));
      const targetNotes = result.targetNotes.filter(
        (n) => !(SUPERSEDED.has(n.code) && blocked.has(realPath(n.target))),
      );
      // each drive says what its driveset row asks, so the page can say it beside the drive
      const asks = (path: string) => toEncrypt.find((t) => t.path === path || realPath(t.path) === realPath(path));
      const targets = toEncrypt.length
        ? result.targets.map((r) => {
            const e = asks(r.path)?.encrypt;
            return e ? { ...r, encrypt: e } : r;
          })
        : result.targets;
      if (!problems.length)
        return targetNotes.length === result.targetNotes.length && targets === result.targets
          ? result
          : { ...result, targetNotes, targets };
      return {
        ...result,
        targets,
        ready: false,
        targetNotes,
        targetProblems: [...result.targetProblems, ...problems],
        message: forAzure()
          ? `Not ready for Azure: ${problems.length === 1 ? 'a drive does' : `${problems.length} drives do`} not meet the data center's rules (NTFS, BitLocker, a recovery password that opens it).`
          : `Not ready: the driveset asks Haul to turn BitLocker on for ${problems.length === 1 ? 'a drive' : `${problems.length} drives`} first.`,
      };
    },
    async beforeStart(spec, draftId) {
      const [first] = await problemsOf(spec, await encryptOf(spec, draftId));
      if (first) throw new HandlerError('refused', `Nothing was written. ${first.message} ${first.fix}`, first.target);
    },
    beforeCreate(request) {
      if (!forAzure()) return;
      if (tools.platform === 'darwin') throw new HandlerError('refused', NO_BITLOCKER_ON_MAC);
      if (request.type !== 'Import') return;
      for (const d of request.drives ?? []) {
        const why = d.bitLockerKey ? recoveryPasswordProblem(d.bitLockerKey) : 'it has none';
        if (why)
          throw new HandlerError(
            'bad-input',
            `The drive ${d.driveId} has no valid BitLocker recovery password (${why.replace(/\.$/, '')}); the Azure data center takes only BitLocker-encrypted drives and needs the key to open them. Prepare the drive again with its recovery password.`,
            'drives',
          );
      }
    },
  };
}
