// Auto mode: the service plays the operators on a schedule, one simulated day at a time, so a
// sandbox job goes from Shipping to Completed without anyone typing commands. Each simulated
// day moves the service clock one day (timers fire as they would) and takes one step per job:
// package arrives -> each drive copied -> drives shipped back. Import drives are read from the
// path registered for them (package-arrived / register-drive) or from `<dataDir>/drive-bay/<driveId>`;
// a drive with no readable path ends CompletedMoreInfo with an error log that says so.
import { messageOf } from '../shared/errors';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { JobService } from './jobs';
import type { DataCenter } from './ops';
import { findLocation } from './locations';

export interface AutoOptions {
  /** Real milliseconds per simulated day (default 5000). */
  dayMs?: number;
  /** Move the service clock one day per simulated day (default true). */
  advanceClock?: boolean;
  log?: (line: string) => void;
}

export class AutoOperator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly dayMs: number;
  private readonly log: (l: string) => void;

  constructor(
    private readonly jobs: JobService,
    private readonly dc: DataCenter,
    private readonly opts: AutoOptions & { dataDir?: string } = {},
  ) {
    this.dayMs = opts.dayMs ?? 5000;
    this.log = opts.log ?? (() => undefined);
  }

  start(): void {
    this.log(`auto operator on: one simulated day every ${this.dayMs} ms`);
    const loop = () => {
      if (this.stopped) return;
      this.running = this.day().catch((e: unknown) => this.log(`auto operator: ${messageOf(e)}`));
      void this.running.finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.dayMs);
      });
    };
    this.timer = setTimeout(loop, this.dayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One simulated day: the clock moves, then every job takes at most one step. */
  async day(): Promise<void> {
    if (this.opts.advanceClock !== false) await this.jobs.advance(1);
    for (const job of this.jobs.jobs()) {
      if (this.stopped) return;
      const rg = job.resourceGroup;
      const name = job.name;
      const lc = job.lifecycle;
      try {
        if (lc.state === 'Shipping') {
          const ids =
            lc.type === 'Import'
              ? lc.drives.filter((d) => !d.extra).map((d) => d.driveId)
              : Array.from(
                  { length: Math.max(1, lc.deliveryPackage?.driveCount ?? 1) },
                  (_, i) =>
                    `EXP${name
                      .replace(/[^A-Za-z0-9]/g, '')
                      .slice(0, 20)
                      .toUpperCase()}${i + 1}`,
                );
          this.log(`auto: package of ${rg}/${name} arrived with ${ids.join(', ')}`);
          await this.jobs.operate(rg, name, [{ type: 'PackageArrived', driveIds: ids }]);
        } else if (lc.state === 'Faulted') {
          this.log(`auto: fault of ${rg}/${name} resolved (${lc.faultReason ?? 'no reason given'})`);
          await this.jobs.operate(rg, name, [{ type: 'JobResolved' }]);
        } else if ((lc.state === 'Received' || lc.state === 'Transferring') && !lc.cancelRequested) {
          const faulted = lc.drives.find((d) => !d.extra && d.state === 'Faulted');
          if (faulted) {
            this.log(
              `auto: fault of drive ${faulted.driveId} of ${rg}/${name} resolved (${faulted.faultReason ?? 'no reason given'})`,
            );
            await this.jobs.operate(rg, name, [{ type: 'DriveResolved', driveId: faulted.driveId }]);
          } else if (lc.type === 'Import') {
            // Next drive to copy: one that arrived, or one left Transferring by an interrupted copy.
            const next = lc.drives.find(
              (d) =>
                !d.extra &&
                (d.state === 'Received' || (d.state === 'Transferring' && !this.dc.isRunning(rg, name, d.driveId))),
            );
            if (next) await this.dc.startDrive(rg, name, next.driveId, undefined, true);
          } else {
            const targets = lc.drives
              .filter((d) => !d.extra && d.state === 'Received')
              .map((d) => ({
                driveId: d.driveId,
                path: join(this.opts.dataDir ?? '.', 'export-bay', name, d.driveId),
              }));
            if (targets.length) await this.dc.exportJob(rg, name, targets);
          }
        } else if (lc.state === 'Packaging' && !lc.returnAddressProblem) {
          const carrier =
            lc.returnShipping?.carrierName ?? findLocation(job.location)?.properties.supportedCarriers[0] ?? 'DHL';
          const tracking = `SBX${randomBytes(5).toString('hex').toUpperCase()}`;
          this.log(`auto: drives of ${rg}/${name} shipped back with ${carrier} ${tracking}`);
          await this.jobs.operate(rg, name, [
            {
              type: 'DrivesShippedBack',
              returnPackage: {
                carrierName: carrier,
                trackingNumber: tracking,
                shipDate: new Date(this.jobs.now()).toISOString().slice(0, 10),
              },
            },
          ]);
        }
      } catch (e) {
        this.log(`auto: ${rg}/${name} (${lc.state}) not moved: ${messageOf(e)}`);
      }
    }
  }
}
