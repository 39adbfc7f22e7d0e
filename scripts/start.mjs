#!/usr/bin/env node
// `npm start`: the main job. The tapecoord daemon in the foreground on the embedded default, a
// simulated library (2 drives, 10 slots, 1 import/export slot, 8 cartridges of 1 GiB) with its
// catalog, control socket, status file and log under ./var; Ctrl-C stops it. It prints how to
// use it from a second terminal first.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tapecoord = join(root, 'bin', 'tapecoord');
process.stdout.write(`In another terminal, in ${root}:
  bin/tapecoord dump --name etc --command 'tar -C /etc -cf - .'   dump a tar stream to cartridge set 1
  bin/tapecoord status                                            what runs, as backup status prints it (--long: more)
  bin/tapecoord catalog dumps                                     what the catalog holds
  bin/tapecoord restore --name etc -o /tmp/etc.tar                restore it
  bin/tapecoord reply TASK ANSWER / bin/tapecoord abort TASK      answer a question, stop a task
  cat var/status                                                  the afserver-style status file
Stop the daemon with Ctrl-C.

`);
const child = spawn(process.execPath, [tapecoord, 'serve', '--var', join(root, 'var')], { stdio: 'inherit', cwd: root });
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
