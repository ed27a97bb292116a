#!/usr/bin/env node
// The `haul` command line: one entry, one module per subcommand, loaded on demand so that
// `haul verify` does not pay for the service's dependencies and vice versa.
// Each subcommand module exports `run(argv: string[]): Promise<number>` (the exit status).

import { messageOf } from '../../shared/errors';
import { safeMessage } from '../../shared/text';

type Command = { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> };

const commands: Record<string, Command> = {
  serve: {
    summary: 'Run Haul in browser mode: the app on http://127.0.0.1 with a token',
    load: () => import('./serve'),
  },
  service: {
    summary: 'Run the local Import/Export service (ARM API on https://127.0.0.1)',
    load: () => import('../../service/cli'),
  },
  ops: {
    summary: "Act as the data center's operators on a running local service",
    load: () => import('../../service/opsCli'),
  },
  prep: {
    summary: 'Prepare drives for an import job: check, plan, copy with manifests, resume',
    load: () => import('./prep'),
  },
  verify: { summary: 'Check a prepared drive, block by block, against its manifest', load: () => import('./verify') },
  drives: { summary: 'List the attached drives and whether they can take data', load: () => import('./drives') },
  bitlocker: {
    summary: "A drive's file system and BitLocker state; check its recovery password before it ships",
    load: () => import('./bitlocker'),
  },
  'preview-export': {
    summary: 'How many drives an export needs, and which blobs go where',
    load: () => import('./preview-export'),
  },
  // Further subcommands are added here, one line each (drive preparation, service, operators).
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: haul <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "haul <command> --help" for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`haul: "${name}" is not a command.\n\n${usage()}`);
    return 2;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`haul: ${safeMessage(messageOf(err))}`);
    process.exitCode = 1;
  },
);
