// Proves the layer rules bite: each bad import below must fail lint (and so `npm test`).
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: fileURLToPath(new URL('../../eslint.config.js', import.meta.url)),
});

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('a renderer file that imports node:fs fails lint', async () => {
    const errors = await importErrors(
      'renderer/src/bad.tsx',
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    );
    expect(errors.join('\n')).toMatch(/without Node/);
  });

  it('a renderer file that imports fs or electron fails lint', async () => {
    expect(await importErrors('renderer/src/bad.ts', "import fs from 'fs';\nexport default fs;\n")).toHaveLength(1);
    expect(
      await importErrors(
        'renderer/src/bad.ts',
        "import { ipcRenderer } from 'electron';\nexport default ipcRenderer;\n",
      ),
    ).toHaveLength(1);
  });

  it('a main/core file that imports electron fails lint', async () => {
    const errors = await importErrors('main/core/bad.ts', "import { app } from 'electron';\nexport default app;\n");
    expect(errors.join('\n')).toMatch(/Only main\/electron may import electron/);
  });

  it('shared/ imports no Node and nothing from the other folders', async () => {
    expect(await importErrors('shared/bad.ts', "import path from 'node:path';\nexport default path;\n")).toHaveLength(
      1,
    );
    expect(
      await importErrors('shared/bad.ts', "import { x } from '../main/core/paths';\nexport default x;\n"),
    ).toHaveLength(1);
  });

  it('the renderer reaches main only through the bridge', async () => {
    expect(
      await importErrors(
        'renderer/src/bad.ts',
        "import { createCore } from '../../main/core/bridge/core';\nexport default createCore;\n",
      ),
    ).toHaveLength(1);
  });

  it('main/core talks to the service over its API, never by importing it; the service imports no main code', async () => {
    expect(
      await importErrors(
        'main/core/backend/bad.ts',
        "import { startService } from '../../../service/server';\nexport default startService;\n",
      ),
    ).toHaveLength(1);
    expect(
      await importErrors(
        'service/bad.ts',
        "import { createCore } from '../main/core/bridge/core';\nexport default createCore;\n",
      ),
    ).toHaveLength(1);
    // Read by where the import lands, not by its spelling: from main/core/bridge, '../service/' is
    // main/core/service (fine) and '../../../service/' is the top-level service (refused).
    expect(
      await importErrors(
        'main/core/bridge/ok.ts',
        "import type { JobsService } from '../service/jobs';\nexport type X = JobsService;\n",
      ),
    ).toEqual([]);
    expect(
      await importErrors(
        'main/core/bridge/handlers/bad.ts',
        "import { startService } from '../../../../service/server';\nexport default startService;\n",
      ),
    ).toHaveLength(1);
    expect(
      await importErrors('main/core/bad.ts', "import { main } from '../electron/main';\nexport default main;\n"),
    ).toHaveLength(1);
    // shared/ modules whose names happen to match a folder are fine.
    expect(
      await importErrors(
        'main/core/backend/ok.ts',
        "import { ServiceConnectionSchema } from '../../../shared/service/connection';\nexport default ServiceConnectionSchema;\n",
      ),
    ).toEqual([]);
  });

  it('every Node built-in is refused in shared/, by its bare name too, but a file of ours with such a name is not', async () => {
    expect(
      await importErrors(
        'shared/bad.ts',
        "import { ReadableStream } from 'stream/web';\nexport default ReadableStream;\n",
      ),
    ).toHaveLength(1);
    expect(
      await importErrors('shared/bad.ts', "import dc from 'diagnostics_channel';\nexport default dc;\n"),
    ).toHaveLength(1);
    expect(
      await importErrors(
        'shared/formats/ok.ts',
        "import { BLOCK_SIZE } from '../prep/constants';\nexport default BLOCK_SIZE;\n",
      ),
    ).toEqual([]);
  });

  it('node/ is shared by main/core and the service: both may import it, it imports neither, and the renderer and shared/ may not', async () => {
    const atomic = "import { writeFileAtomic } from '%s';\nexport default writeFileAtomic;\n";
    expect(await importErrors('service/store.ts', atomic.replace('%s', '../node/atomicWrite'))).toEqual([]);
    expect(await importErrors('service/datacenter/x.ts', atomic.replace('%s', '../../node/atomicWrite'))).toEqual([]);
    expect(await importErrors('main/core/store/x.ts', atomic.replace('%s', '../../../node/atomicWrite'))).toEqual([]);
    expect(await importErrors('renderer/src/bad.ts', atomic.replace('%s', '../../node/atomicWrite'))).toHaveLength(1);
    expect(await importErrors('shared/bad.ts', atomic.replace('%s', '../node/atomicWrite'))).toHaveLength(1);
    expect(
      await importErrors('node/bad.ts', "import { JobStore } from '../service/store';\nexport default JobStore;\n"),
    ).toHaveLength(1);
    expect(
      await importErrors(
        'node/bad.ts',
        "import { createCore } from '../main/core/bridge/core';\nexport default createCore;\n",
      ),
    ).toHaveLength(1);
    expect(await importErrors('node/bad.ts', "import { app } from 'electron';\nexport default app;\n")).toHaveLength(1);
    expect(
      await importErrors(
        'node/ok.ts',
        "import { BLOCK_SIZE } from '../shared/prep/constants';\nexport default BLOCK_SIZE;\n",
      ),
    ).toEqual([]);
  });

  it('allowed imports pass: main/core may use Node, the renderer may use shared/', async () => {
    expect(await importErrors('main/core/ok.ts', "import fs from 'node:fs';\nexport default fs;\n")).toEqual([]);
    expect(
      await importErrors(
        'renderer/src/ok.ts',
        "import { CHANNELS } from '../../shared/ipc/names';\nexport default CHANNELS;\n",
      ),
    ).toEqual([]);
  });
});
