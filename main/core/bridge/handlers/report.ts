// report.*, verifyImport.* and received.* handlers: the end of a job (schemas in
// shared/ipc/channels/report.ts). The services are built with the jobs service (main/core/services.ts),
// which the report service follows from the start.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { ReportChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

function notReady(): never {
  throw new HandlerError(
    'not-ready',
    'Haul is not connected to an Import/Export service yet: the local sandbox is still starting. Try again in a moment.',
  );
}

export function reportHandlers(ctx: CoreContext): HandlersOf<ReportChannel> {
  const { reports, verifyImport: verify, received } = ctx;
  const r = () => reports ?? notReady();
  const v = () => verify ?? notReady();
  const x = () => received ?? notReady();

  return {
    'report.get': async ({ name, refresh }) => r().get(name, refresh ?? false),
    'report.rows': async (q) =>
      r().rows({
        name: q.name,
        filter: q.filter ?? 'all',
        driveId: q.driveId,
        search: q.search,
        offset: q.offset ?? 0,
        limit: q.limit ?? 200,
      }),
    'report.csv': async ({ name, filter }) => r().csv(name, filter ?? 'all'),
    'report.pdf': async ({ name }) => {
      const print = ctx.options.printReport;
      if (!print)
        throw new HandlerError(
          'print-in-page',
          'In a browser the report is printed by the browser: choose Save as PDF in its print dialog.',
        );
      await r().get(name);
      return print(name);
    },
    'report.resend': async ({ name }) => r().resend(name),
    'verifyImport.start': async ({ name, budgetBytes }) => v().start(name, budgetBytes),
    'verifyImport.cancel': async ({ name }) => v().cancel(name),
    'verifyImport.status': async ({ name }) => verify?.status(name) ?? null,
    'received.check': async ({ name, drivePath }) => x().check(name, drivePath),
    'received.copy': async ({ name, drivePath, destination }) => x().copy(name, drivePath, destination),
    'received.cancel': async ({ name }) => x().cancel(name),
    'received.status': async ({ name }) => received?.status(name) ?? null,
  };
}
