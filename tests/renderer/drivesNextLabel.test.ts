// The Drives step's Next button says what pressing it does to the drives: prepare them, update
// them, or release a drive whose files all left the job (only Haul's files go from it).
import { describe, expect, it } from 'vitest';
import { drivesNextLabel } from '../../renderer/src/wizard/model';

describe("the Drives step's Next", () => {
  it('prepares the chosen drives before a copy, and updates them after one', () => {
    expect(drivesNextLabel(false, 2)).toBe('Prepare 2 drives');
    expect(drivesNextLabel(false, 1)).toBe('Prepare 1 drive');
    expect(drivesNextLabel(true, 2, [{}, {}])).toBe('Update 2 drives');
    expect(drivesNextLabel(false, 0)).toBe('Prepare drives');
  });

  it('does not count a drive that leaves the job as updated: it is released', () => {
    expect(drivesNextLabel(true, 2, [{}, { leaves: true }])).toBe('Update 1 drive, release 1');
    expect(drivesNextLabel(true, 3, [{ leaves: true }, {}, { leaves: true }])).toBe('Update 1 drive, release 2');
    expect(drivesNextLabel(true, 1, [{ leaves: true }])).toBe('Release 1 drive');
  });
});
