import { describe, expect, it, vi } from 'vitest';
import { makeBridge, type Transport } from '../../shared/ipc/bridge';
import { CHANNELS, EVENTS, eventMethodName, methodName } from '../../shared/ipc/names';

describe('window.haul', () => {
  it('has one function per channel and one subscribe function per event, and nothing else', () => {
    const transport: Transport = {
      invoke: vi.fn(async () => ({ ok: true as const, value: 1 })),
      subscribe: vi.fn(() => () => {}),
    };
    const bridge = makeBridge(transport) as unknown as Record<string, unknown>;
    const expected = [...CHANNELS.map(methodName), ...EVENTS.map(eventMethodName)].sort();
    expect(Object.keys(bridge).sort()).toEqual(expected);
    for (const key of expected) expect(typeof bridge[key]).toBe('function');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends each call on its own channel with an empty request by default', async () => {
    const invoke = vi.fn(async () => ({ ok: true as const, value: 'x' }));
    const bridge = makeBridge({ invoke, subscribe: () => () => {} });
    await bridge.drivesList();
    expect(invoke).toHaveBeenCalledWith('drives.list', {});
  });
});
