// The wizard's request for the drives step: a folder the person confirmed ("Write into this
// folder anyway") goes to main as allowFolder on that target only, and the drive list's own
// drives go as they are.
// (.tsx: the store it imports uses the DOM, which the node type-check of tests/**/*.ts lacks)
import { describe, expect, it } from 'vitest';
import { draftValues } from '../../shared/prep/draft';
import { prepSpec } from '../../shared/prep/session';
import { prepSpecOf } from '../../renderer/src/store/wizard';

describe('wizard: the targets it sends', () => {
  it('passes the confirmation of a folder that is not a drive of its own, for that folder only', () => {
    const values = draftValues.parse({
      type: { kind: 'import', jobName: 'wizard-job' },
      importData: { mode: 'picked', paths: ['/home/me/photos'], destination: 'photos/' },
      drives: {
        drives: [
          { path: '/media/me/WD1', folder: false },
          { path: '/srv/staging', folder: true, allowFolder: true },
          { path: '/srv/other', folder: true },
        ],
      },
    });
    const spec = prepSpecOf(values, { '/media/me/WD1': 'key-1' }, true);
    expect(spec.targets).toEqual([
      { path: '/media/me/WD1', bitLockerKey: 'key-1' },
      { path: '/srv/staging', allowFolder: true },
      { path: '/srv/other' },
    ]);
    expect(prepSpec.safeParse(spec).success).toBe(true);
  });
});
