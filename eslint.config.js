// The layer rules of docs/architecture.md (Layers), enforced: a violation fails `npm test`.
// shared/      pure TypeScript: imports no Node, no Electron, nothing from the other folders and not
//              shared/node/, so anything may import it.
// shared/node/ Node helpers main/core and the service share (durable file writes): the rest of
//              shared/, Node and npm packages only. The renderer may never import it.
// renderer/    imports no Node, no Electron and not shared/node/; it reaches main only through
//              window.haul.
// main/core    imports no Electron (it runs in the CLI, browser mode and tests too).
// service/     is a separate backend: of ours it imports shared/ only (shared/node/ included), and
//              main/ never reaches into it except from the CLI entry (main/cli), which starts it.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Every module Node has, by its bare name ('fs'; 'fs/promises' by the regex below); 'node:*' apart.
const nodeBuiltins = builtinModules.filter((name) => !/^_|^node:|\//.test(name));
const noNode = [
  { group: ['node:*'], message: 'This layer runs without Node: no node: modules (see docs/architecture.md, Layers).' },
  // A regex, not a group: a group 'constants' would also match '../prep/constants'.
  ...nodeBuiltins.map((name) => ({
    regex: `^${name}(/|$)`,
    message: `This layer runs without Node: "${name}" is a Node module.`,
  })),
];
const noElectron = [{ group: ['electron', 'electron/*'], message: 'Only main/electron may import electron.' }];
// A relative import that climbs exactly to the repository's root and into a top-level folder:
// from main/core/bridge/x.ts that is '../../../service/x'; '../service/x' there is main/core/service.
const up = (depth, dir) => `^(\\.\\./){${depth}}${dir}(/|$)`;
// From a file of shared/ outside shared/node/, an import of shared/node/: by a path inside shared/
// ('./node/x' from shared/x.ts, '../node/x' from shared/jobs/x.ts) or through the root.
const intoSharedNode = (depth) =>
  [depth === 1 ? '^\\./node(/|$)' : `^(\\.\\./){${depth - 1}}node(/|$)`, up(depth, 'shared/node')].map((regex) => ({
    regex,
    message: 'shared/ stays pure: shared/node/ is for main/core and the service, which import it themselves.',
  }));
// One block per folder depth below `base` (the regex depends on how far a file is from the root).
const MAX_DEPTH = 8;
const byDepth = (base, exts, rules) =>
  Array.from({ length: MAX_DEPTH - base.split('/').length + 1 }, (_, k) => {
    const depth = base.split('/').length + k;
    return { files: exts.map((ext) => `${base}/${'*/'.repeat(k)}*.${ext}`), rules: rules(depth) };
  });

export default tseslint.config(
  { basePath: root },
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      'tests/lint/fixtures/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // zod's namespace by name keeps every bundle from shaking zod: with `import { z }` each bundle
      // (the CLI, every prep worker) carries zod whole, all its translations included (~750 KB).
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'][importKind!='type'] > ImportSpecifier[imported.name='z']",
          message: "Import zod as `import * as z from 'zod'`: `import { z }` puts all of zod in every bundle.",
        },
      ],
    },
  },
  ...byDepth('shared', ['ts', 'tsx'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...noNode,
          ...noElectron,
          ...['main', 'renderer', 'service', 'tests'].map((dir) => ({
            regex: up(depth, dir),
            message: 'shared/ imports nobody: move the code into shared/ or invert the dependency.',
          })),
          ...intoSharedNode(depth),
        ],
      },
    ],
  })),
  {
    // The app's code; renderer/vite.config.ts is build tooling and runs in Node.
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  ...byDepth('renderer/src', ['ts', 'tsx'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...noNode,
          ...noElectron,
          ...['main', 'service'].map((dir) => ({
            regex: up(depth, dir),
            message: 'renderer/ reaches main only through the bridge (window.haul).',
          })),
          {
            regex: up(depth, 'shared/node'),
            message: 'shared/node/ needs Node; the renderer runs without it (see docs/architecture.md, Layers).',
          },
        ],
      },
    ],
  })),
  ...byDepth('main/core', ['ts'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...noElectron,
          ...['renderer', 'service'].map((dir) => ({
            regex: up(depth, dir),
            message:
              'main/core/ is Node only: no electron shell, no renderer, no service internals (talk to the service over its API).',
          })),
        ],
      },
    ],
  })),
  ...byDepth('main/electron', ['ts'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: ['renderer', 'service'].map((dir) => ({
          regex: up(depth, dir),
          message: 'The Electron shell wires main/core; it never imports the renderer or the service.',
        })),
      },
    ],
  })),
  // After the shared/ blocks, so that for shared/node/ this rule replaces theirs.
  ...byDepth('shared/node', ['ts'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...noElectron,
          ...['main', 'renderer', 'service', 'tests'].map((dir) => ({
            regex: up(depth, dir),
            message:
              'shared/node/ is shared by main/core and the service: it imports shared/, Node and npm packages only.',
          })),
        ],
      },
    ],
  })),
  ...byDepth('service', ['ts'], (depth) => ({
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...noElectron,
          ...['main', 'renderer'].map((dir) => ({
            regex: up(depth, dir),
            message: 'service/ is its own backend: of ours it imports shared/ (shared/node/ included) only.',
          })),
        ],
      },
    ],
  })),
);
