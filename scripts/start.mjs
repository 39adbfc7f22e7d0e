#!/usr/bin/env node
// `npm start`: the main job on simulated hardware, no drive needed. It makes a simulated LTO
// cartridge under ./var/tapes, streams 1 GiB of generated data onto it through tapecoord's ring
// (`tapecoord stream`, one 256 KiB block per write, a filemark after it), reads it back, compares
// checksums, and prints the drive status as `mt status` would. The daemon (`tapecoord serve`)
// takes this place once it lands.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tapecoord = join(root, 'bin', 'tapecoord');
const varDir = join(root, 'var');
const tape = join(varDir, 'tapes', 'TC0001L9.simtape');
const input = join(varDir, 'demo.in');
const output = join(varDir, 'demo.out');
mkdirSync(dirname(tape), { recursive: true });
rmSync(tape, { force: true });

const size = 1024 ** 3;
const block = randomBytes(1 << 20);
const chunks = [];
for (let i = 0; i < size / block.length; i++) {
  block.writeUInt32LE(i, 0); // incompressible-looking, distinct per MiB
  chunks.push(Buffer.from(block));
}
writeFileSync(input, Buffer.concat(chunks));

function run(args) {
  console.log(`$ tapecoord ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [tapecoord, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

async function sha256(path) {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c);
  return h.digest('hex');
}

run(['stream', '-i', input, '-o', `sim:${tape}`, '-b', '256k', '-m', '256M', '--filemark', '--sim-capacity', '18T']);
run(['stream', '-i', `sim:${tape}`, '-o', output, '-m', '256M']);
const [a, b] = await Promise.all([sha256(input), sha256(output)]);
console.log(a === b ? `read back identical: sha256 ${a}` : `MISMATCH: ${a} != ${b}`);
run(['status', `sim:${tape}`]);
rmSync(input);
rmSync(output);
process.exit(a === b ? 0 : 1);
