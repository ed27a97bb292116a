import { describe, expect, it } from 'vitest';
import { FileQueue } from '../../main/core/prep/engine/schedule';

describe("a drive's queue of files", () => {
  it('hands out every file once, in order, across its compactions and with files added on the way (a full drive handing files over)', () => {
    const q = new FileQueue();
    for (let i = 0; i < 20_000; i++) q.push(i);
    const out: number[] = [];
    for (let k = 0; k < 15_000; k++) {
      out.push(q.shift()!);
      if (k % 3 === 0) q.push(100_000 + k);
    }
    expect(q.length).toBe(20_000 + 5_000 - 15_000);
    expect([...q].slice(0, 2)).toEqual([15_000, 15_001]);
    const rest = q.takeAll();
    expect(q.length).toBe(0);
    expect(q.shift()).toBeUndefined();
    const all = [...out, ...rest];
    const added = Array.from({ length: 5_000 }, (_, j) => 100_000 + j * 3);
    expect(all).toEqual([...Array.from({ length: 20_000 }, (_, i) => i), ...added]);
  });
});
