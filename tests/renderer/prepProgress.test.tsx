// The Prepare step's words as the browser gets them (server-rendered markup): a run with nothing
// new to copy says so (not "0 B of 0 B"), no speed before one is measured, a heading that says how
// it ended, a full bar once verified, counts whose nouns agree, and what an Update's verify read.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { CapacityBars } from '../../renderer/src/screens/Wizard/CapacityBars';
import { PrepProgress } from '../../renderer/src/screens/Wizard/PrepProgress';
import { noteText } from '../../renderer/src/screens/Wizard/prepNotes';
import { aboutDuration, fullVerifyOf } from '../../renderer/src/wizard/verify';
import type { ProgressEvent } from '../../renderer/src/store/wizard';

const html = (el: ReactElement) =>
  renderToStaticMarkup(<FluentProvider theme={webLightTheme}>{el}</FluentProvider>)
    .replace(/<!-- -->/g, '')
    .replace(/&#x27;/g, "'");
const text = (markup: string) =>
  markup
    .replace(/<style[^>]*>[^<]*<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

const drive = (over: Partial<ProgressEvent['drives'][number]> = {}): ProgressEvent['drives'][number] => ({
  driveId: 'HAUL-AAAA',
  target: '/media/wd1',
  state: 'copying',
  bytesDone: 0,
  bytesTotal: 0,
  filesDone: 0,
  filesTotal: 0,
  ...over,
});

const progress = (over: Partial<ProgressEvent> = {}): ProgressEvent => ({
  type: 'progress',
  phase: 'copy',
  bytesDone: 0,
  bytesTotal: 0,
  filesDone: 0,
  filesTotal: 0,
  speed: 0,
  drives: [],
  ...over,
});

describe('PrepProgress', () => {
  it('before a speed is measured says so, never "0 B/s"', () => {
    const out = text(
      html(
        <PrepProgress
          progress={progress({
            bytesTotal: 10_000_000,
            filesTotal: 1,
            drives: [drive({ bytesTotal: 10_000_000, filesTotal: 1 })],
          })}
          running
          done={false}
        />,
      ),
    );
    expect(out).toContain('Copying');
    expect(out).toContain('measuring the speed');
    expect(out).not.toMatch(/0 B\/s/);
    expect(out).toContain('0 of 1 file copied');
    expect(out).not.toMatch(/1 files/);
  });

  it('while verifying says "Verifying" and what was read back; once verified the heading says so and the bar is full', () => {
    const verifying = text(
      html(
        <PrepProgress
          progress={progress({
            phase: 'verify',
            bytesDone: 1_000_000,
            bytesTotal: 2_000_000,
            filesDone: 3,
            filesTotal: 3,
            speed: 500_000,
          })}
          running
          done={false}
        />,
      ),
    );
    expect(verifying).toMatch(/^ ?Verifying/);
    expect(verifying).toContain('read back · 3 of 3 files copied');
    const finished = html(
      <PrepProgress
        progress={progress({
          phase: 'verify',
          bytesDone: 1_800_000,
          bytesTotal: 2_000_000,
          filesDone: 3,
          filesTotal: 3,
        })}
        running={false}
        done
      />,
    );
    expect(text(finished)).toContain('Copied and verified');
    expect(text(finished)).not.toContain('Verifying');
    // the bar of a verified run is full, whatever the last tick counted (not stuck at 90 %)
    expect(finished).toMatch(/aria-valuenow="1"/);
  });

  it('an Update with nothing new to copy says so, for the run and for each drive', () => {
    const out = text(
      html(
        <PrepProgress
          progress={progress({ phase: 'verify', drives: [drive({ state: 'done' })] })}
          running={false}
          done
        />,
      ),
    );
    expect(out).not.toContain('0 B of 0 B');
    expect(out).toContain('Nothing new to copy or read back in this run');
    expect(out).toContain('Nothing new to copy onto it in this run');
  });
});

describe('what the Prepare step says of a verify', () => {
  it('names what an Update did not read again, with nouns that agree', () => {
    expect(
      noteText({
        type: 'verify-result',
        driveId: 'HAUL-AAAA',
        target: '/media/wd1',
        ok: true,
        blobs: 1,
        blocks: 1,
        bytes: 1024,
        mismatches: [],
        earlierFiles: 35,
        earlierBytes: 1,
      }),
    ).toBe(
      'HAUL-AAAA verified: 1 file (1 block) read back and matched; 35 files verified by an earlier run and not written since were not read again.',
    );
    expect(
      noteText({
        type: 'verify-result',
        driveId: 'HAUL-AAAA',
        target: '/x',
        ok: true,
        blobs: 0,
        blocks: 0,
        bytes: 0,
        mismatches: [],
        earlierFiles: 1,
        earlierBytes: 1,
      }),
    ).toBe(
      'HAUL-AAAA verified: its manifest read back and matched; 1 file verified by an earlier run and not written since was not read again.',
    );
    expect(
      noteText({ type: 'drive-done', driveId: 'HAUL-AAAA', target: '/x', files: 0, bytes: 0, manifestHash: 'A' }),
    ).toBe('HAUL-AAAA: nothing new to copy onto it; manifest written.');
  });

  it('a full verify takes the slowest drive’s time at its measured speed, over the attached drives only', () => {
    const d = (bytes: number, readSpeed?: number, notAttached?: boolean) => ({
      driveId: `D${bytes}`,
      target: '/x',
      manifestFile: '\\DriveManifest.xml',
      manifestHash: 'A'.repeat(32),
      driveHeaderHash: 'B'.repeat(32),
      driveInfoFile: '/x/info.xml',
      files: 1,
      bytes,
      verified: true,
      verifiedEarlier: { files: 1, bytes },
      ...(readSpeed ? { readSpeed } : {}),
      ...(notAttached ? { notAttached } : {}),
    });
    const full = fullVerifyOf([d(10e12, 200e6), d(5e12, 50e6), d(1e12, undefined, true)]);
    expect(full).toMatchObject({ bytes: 15e12, earlierFiles: 2, seconds: 1e5 });
    expect(aboutDuration(full!.seconds!)).toBe('about 27 h 47 min');
    expect(fullVerifyOf([d(10e12)])?.seconds).toBeUndefined();
  });
});

describe('the Drives step’s plan', () => {
  it('says of a drive whose files all left the job that it leaves the job, and keeps the customer’s files', () => {
    const d = (driveId: string, leaves?: boolean) => ({
      driveId,
      target: `/media/${driveId}`,
      capacity: 1e9,
      free: 5e8,
      plannedBytes: 0,
      plannedFiles: 0,
      fillPercent: 50,
      destinations: [],
      ...(leaves ? { leaves, unused: true } : {}),
    });
    const out = text(
      html(
        <CapacityBars
          plan={{
            totalFiles: 1,
            totalBytes: 1,
            alreadyDoneFiles: 1,
            alreadyDoneBytes: 1,
            drives: [d('HAUL-STAYS'), d('HAUL-LEAVES', true)],
            unplacedFiles: 0,
            unplacedBytes: 0,
            fits: true,
          }}
        />,
      ),
    );
    expect(out).toMatch(/HAUL-STAYS .*0 files to copy/);
    expect(out).toMatch(
      /HAUL-LEAVES \/media\/HAUL-LEAVES No file of this job on it any more: it leaves the job \(Haul's files go, yours stay\)/,
    );
  });
});
