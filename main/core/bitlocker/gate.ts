// Where the Azure gate meets the bridge: on an Azure connection, a plan is not ready and a copy does
// not start while a target drive is not BitLocker-encrypted NTFS whose recovery password opens it,
// and an import job is not created without a recovery password per drive (or at all from macOS).
// One gate per core (its key-check answers are kept in memory a while).
import { recoveryPasswordProblem } from '../../../shared/bitlocker';
import { HandlerError } from '../../../shared/ipc/contract';
import type { PrepPlanResult, PrepSpecInput } from '../../../shared/prep/session';
import type { CoreContext } from '../bridge/context';
import { realPath } from '../drives/target';
import { targetsOf } from '../prep/app/inputs';
import { NO_BITLOCKER_ON_MAC, systemTools, type BitLockerTools } from '.';
import { azureTargetProblems, KeyCheckCache } from './azure';

/** prep's own Azure notes, which a gate problem about the same drive says better */
const SUPERSEDED = new Set(['not-ntfs', 'no-bitlocker']);

export interface AzureGate {
  /** The plan, held to the data center's rules on an Azure connection. */
  plan(spec: PrepSpecInput, result: PrepPlanResult): Promise<PrepPlanResult>;
  /** Throws the first reason a copy may not start for Azure. */
  beforeStart(spec: PrepSpecInput): Promise<void>;
  /** Throws when an import job may not be created for Azure. */
  beforeCreate(request: { type: string; drives?: { driveId: string; bitLockerKey?: string | undefined }[] }): void;
}

const gates = new WeakMap<CoreContext, AzureGate>();

export function azureGateOf(ctx: CoreContext): AzureGate {
  let gate = gates.get(ctx);
  if (!gate) {
    gate = createAzureGate(() => ctx.connections?.current()?.kind === 'azure', ctx.options.bitlocker ?? systemTools());
    gates.set(ctx, gate);
  }
  return gate;
}

export function createAzureGate(forAzure: () => boolean, tools: BitLockerTools): AzureGate {
  const cache = new KeyCheckCache();
  const problemsOf = (spec: PrepSpecInput, names: Map<string, string> = new Map()) => {
    const targets = targetsOf({ targets: spec.targets ?? [], driveset: spec.driveset });
    return azureTargetProblems(targets, tools, cache, (p) => names.get(p) ?? p);
  };
  return {
    async plan(spec, result) {
      if (!forAzure() || (!spec.targets?.length && !spec.driveset)) return result;
      // name drives as the plan does: its id and where it is
      const names = new Map<string, string>();
      for (const [k, t] of (spec.targets ?? []).entries()) {
        const resolved = result.targets.find((r) => r.path === t.path) ?? result.targets[k];
        if (resolved) names.set(t.path, `${resolved.driveId} (${t.path})`);
      }
      const problems = await problemsOf(spec, names);
      const blocked = new Set(problems.map((p) => realPath(p.target)));
      const targetNotes = result.targetNotes.filter(
        (n) => !(SUPERSEDED.has(n.code) && blocked.has(realPath(n.target))),
      );
      if (!problems.length) return { ...result, targetNotes };
      return {
        ...result,
        ready: false,
        targetNotes,
        targetProblems: [...result.targetProblems, ...problems],
        message: `Not ready for Azure: ${problems.length === 1 ? 'a drive does' : `${problems.length} drives do`} not meet the data center's rules (NTFS, BitLocker, a recovery password that opens it).`,
      };
    },
    async beforeStart(spec) {
      if (!forAzure()) return;
      const [first] = await problemsOf(spec);
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
