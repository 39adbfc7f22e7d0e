// butc startup steps 1-7 in a temp --root (BUTC-SPEC §1.1): output, exit statuses and files, as the real
// butc 1.8.9 produced them for the same trees (compared side by side during development).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CapturedConsole } from '../../lib/butc/console.js';
import { butcPaths } from '../../lib/butc/paths.js';
import { butcStartup, INSECURE_REFUSAL, NO_KEYS_WARNING } from '../../lib/butc/startup.js';
import { butcMain, splitTapecoordOptions } from '../../lib/cli/butc.js';
import { tempDir } from '../helpers/tmp.js';

type T = Parameters<typeof tempDir>[0];
const AT = new Date(2026, 10, 21, 12, 0, 3);
const TS = 'Sat Nov 21 12:00:03 2026';
/** A startup that got to the TC service: it listens (any free port here) and, stopped at once, exits 0. */
const SERVED = 0;
const STARTED = 'Starting Tape Coordinator: Port offset 2   Debug level 0\nToken expires: NEVER                   \n\n';
const serveAndStop = { signal: AbortSignal.abort(), udpPort: 0 };
const RXKAD_WARNING = 'tapecoord butc: rxkad is not implemented: without -allow_unauthenticated every TC request is refused (TC_NOTPERMITTED)\n';

function keyFile(kvnos: number[]): Buffer {
  const b = Buffer.alloc(4 + 12 * kvnos.length);
  b.writeInt32BE(kvnos.length, 0);
  kvnos.forEach((k, i) => b.writeInt32BE(k, 4 + 12 * i));
  return b;
}

/** A root with the server config and a tapeconfig; `keys` writes a KeyFile with one DES key. */
function root(t: T, options: { keys?: boolean; tapeconfig?: string } = {}) {
  const dir = tempDir(t);
  const p = butcPaths(dir);
  mkdirSync(p.backupDir, { recursive: true });
  mkdirSync(p.serverEtcDir, { recursive: true });
  mkdirSync(p.localDir, { recursive: true });
  writeFileSync(join(p.serverEtcDir, 'ThisCell'), 'test.cell\n');
  writeFileSync(join(p.serverEtcDir, 'CellServDB'), '>test.cell\n10.0.0.1 #h\n');
  if (options.keys) writeFileSync(join(p.serverEtcDir, 'KeyFile'), keyFile([1]));
  writeFileSync(p.tapeconfig, options.tapeconfig ?? '100M 0 /dev/nst0 0\n300K 0 /srv/tape1.file 1\n/dev/nst2 2\n');
  return { dir, p };
}

async function butc(dir: string, line: string, extra: string[] = []) {
  const console = new CapturedConsole();
  const code = await butcMain(['--root', dir, ...extra, ...(line === '' ? [] : line.split(' '))], { console, now: () => AT, env: {}, ...serveAndStop });
  // startup output only: the lines of a started service are checked in their own test
  return { code, stdout: console.stdout.replace(/Starting Tape Coordinator: [^\n]*\n(Token expires: [^\n]*\n\n)?$/, ''), stderr: console.stderr.replace(RXKAD_WARNING, '') };
}
const read = (p: string) => readFileSync(p, 'latin1');

t.test('no arguments / no security flag: CFG, logs, key warning, then the refusal (exit 1)', async (t) => {
  const { dir, p } = root(t);
  t.same(await butc(dir, ''), { code: 1, stdout: NO_KEYS_WARNING + INSECURE_REFUSAL, stderr: '' });
  t.equal(read(join(p.backupDir, 'TL_nst0')), `${TS}: ${NO_KEYS_WARNING}${TS}: ${INSECURE_REFUSAL}`);
  t.equal(read(join(p.backupDir, 'TE_nst0')), '');
  t.same(await butc(dir, '-p 1'), { code: 1, stdout: NO_KEYS_WARNING + INSECURE_REFUSAL, stderr: '' });
  t.ok(existsSync(join(p.backupDir, 'TL_srv_tape1.file')), 'TL_<mangled device>');
  t.same(readdirSync(p.backupDir).sort(), ['TE_nst0', 'TE_srv_tape1.file', 'TL_nst0', 'TL_srv_tape1.file', 'tapeconfig']);
  t.equal(NO_KEYS_WARNING, 'WARNING: No encryption keys found! All authenticated accesses will fail. Run akeyconvert or asetkey to import encryption keys.\n');
  t.equal(INSECURE_REFUSAL, 'Neither -localauth nor -allow_unauthenticated was provided; refusing to start in unintended insecure configuration\n');
});

t.test('a good startup serves the TC interface and says so as butc does', async (t) => {
  const { dir, p } = root(t, { keys: true });
  const console = new CapturedConsole();
  t.equal(await butcMain(['--root', dir, '-port', '2', '-localauth'], { console, now: () => AT, env: {}, ...serveAndStop }), SERVED);
  t.equal(console.stdout, STARTED, 'keys present: no warning; the Starting lines');
  t.equal(console.stderr, RXKAD_WARNING);
  t.equal(read(join(p.backupDir, 'TL_nst2')), STARTED.split('\n').slice(0, 3).map((l, i) => (i < 2 ? `${TS}: ${l}\n` : '\n')).join(''));
  t.equal((await butc(dir, '-al -p 1')).code, SERVED, '-allow_unauthenticated alone passes startup');
});

t.test('command-line errors before anything is opened', async (t) => {
  const { dir, p } = root(t);
  t.same(await butc(dir, '-port 58511'), { code: 1, stdout: '', stderr: '58511 exceeds max port offset 58510\n' });
  t.same(await butc(dir, '-port abc'), { code: 1, stdout: '', stderr: "Illegal port offset 'abc'\n" });
  t.same(await butc(dir, '-port -5'), { code: 1, stdout: '', stderr: "Illegal port offset '-5'\n" });
  t.same(await butc(dir, '-x'), { code: 6, stdout: '', stderr: "butc: Unrecognized or ambiguous switch '-x'; type 'butc -help' for detailed help\n" });
  t.match(await butc(dir, '-help'), { code: 0, stdout: /^Usage: butc \[-port <port offset>\]/, stderr: '' });
  t.same(readdirSync(p.backupDir), ['tapeconfig'], 'no log opened');
});

t.test('tapeconfig: butc errors; no entry is refused (deliberate deviation); -device skips the file', async (t) => {
  const bad = root(t, { tapeconfig: '# a comment\n100M 0 /dev/nst0 0\n' });
  t.same(await butc(bad.dir, '-p 0'), {
    code: 1,
    stdout: '',
    stderr: `tapeconfig: Parse error in: # a comment\n\nProblem in reading config file ${bad.p.tapeconfig}\n`,
  });
  const { dir, p } = root(t);
  const none = await butc(dir, '-p 3 -localauth');
  t.equal(none.code, 1);
  t.equal(none.stderr, `tapecoord butc: no entry for port offset 3 in ${p.tapeconfig}: refusing to start without a device (butc would start and fail every tape operation)\n`);
  t.equal((await butc(dir, '-p 3 -device /dev/nst7 -localauth')).code, SERVED);
  t.ok(existsSync(join(p.backupDir, 'TL_nst7')));
  t.match(await butc(dir, '-restoretofile /r -p 1'), { code: 1, stdout: `Restore to file '/r'\n${NO_KEYS_WARNING}${INSECURE_REFUSAL}` });
});

t.test('CFG_<port> wins and names the logs; LASTLOG opens .lp; CENTRALLOG gets its header; fatal CFG exits before logs', async (t) => {
  const { dir, p } = root(t, { keys: true });
  const central = join(dir, 'central.log');
  writeFileSync(join(p.backupDir, 'CFG_1'), `FILE YES\nLASTLOG YES\nCENTRALLOG ${central}\nSTATUS 4\nBUFFERSIZE 48k\n`);
  writeFileSync(join(p.backupDir, 'CFG_srv_tape1.file'), 'ASK NO\n');
  const r = await butc(dir, '-p 1 -localauth');
  t.equal(r.stdout, `Will dump to a file\nWill generate a last log\nCentral log file is ${central}\nBUFFERSIZE is 48 KBytes\nStatus every 196608 Bytes\n`);
  t.same(readdirSync(p.backupDir).sort(), ['CFG_1', 'CFG_srv_tape1.file', 'TE_1', 'TL_1', 'TL_1.lp', 'tapeconfig']);
  t.equal(read(central), 'TASK   START DATE/TIME      END DATE/TIME        ELAPSED   VOLUMESET\n-----  -------------------  -------------------  --------  ---------\n');

  writeFileSync(join(p.backupDir, 'CFG_nst2'), 'GROUPID 0\n');
  t.same(await butc(dir, '-p 2 -localauth'), { code: 1, stdout: 'Configuration file error, GROUPID 0 is invalid\n', stderr: '' });
  t.notOk(existsSync(join(p.backupDir, 'TL_nst2')), 'before the logs are opened');
  writeFileSync(join(p.backupDir, 'CFG_nst0'), 'TYPE tsm\n');
  t.same(await butc(dir, '-p 0 -localauth'), { code: 1, stdout: 'This binary does not have XBSA support\n', stderr: '' });
});

t.test('server configuration directory and keys', async (t) => {
  const { dir, p } = root(t);
  writeFileSync(join(p.serverEtcDir, 'ThisCell'), '   \n');
  t.same(await butc(dir, '-p 0 -localauth'), { code: 1, stdout: 'Failed to open server configuration directory', stderr: '' }, 'no newline, as butc');
  t.equal(read(join(p.backupDir, 'TL_nst0')), `${TS}: Failed to open server configuration directory`);
  writeFileSync(join(p.serverEtcDir, 'ThisCell'), 'test.cell');
  writeFileSync(join(p.serverEtcDir, 'KeyFile'), keyFile([1]).subarray(0, 10));
  t.equal((await butc(dir, '-p 0 -localauth')).stdout, 'Failed to open server configuration directory', 'a truncated KeyFile fails the open');
  writeFileSync(join(p.serverEtcDir, 'KeyFile'), keyFile([1, 2, 3, 4, 5, 6, 7, 8, 9]));
  t.equal((await butc(dir, '-p 0 -localauth')).stdout, 'Failed to open server configuration directory', 'more than 8 rxkad keys');
  writeFileSync(join(p.serverEtcDir, 'KeyFile'), keyFile([]));
  t.equal((await butc(dir, '-p 0 -localauth')).stdout, NO_KEYS_WARNING, 'an empty KeyFile: the warning');
  const ext = Buffer.alloc(4 + 20 + 16);
  ext.writeInt32BE(1, 0);
  ext.writeInt32BE(16, 4); // reclen
  ext.writeInt32BE(2, 8); // rxkad_krb5
  ext.writeInt32BE(3, 12); // kvno
  ext.writeInt32BE(18, 16); // enctype
  ext.writeInt32BE(16, 20); // key length
  writeFileSync(join(p.serverEtcDir, 'KeyFileExt'), ext);
  t.equal((await butc(dir, '-p 0 -localauth')).stdout, '', 'a KeyFileExt key counts');
  const started = butcStartup(['-p', '0', '-localauth'], { paths: p, console: new CapturedConsole() });
  t.match(started, { kind: 'ready', state: { serverConfig: { cell: 'test.cell', keyCount: 1 } } });
  if (started.kind === 'ready') started.state.logs.close();
});

t.test('audit log: rotated, startup records; bad interface; debug level checked after the logs', async (t) => {
  const { dir, p } = root(t);
  const audit = join(dir, 'audit.log');
  writeFileSync(audit, 'previous run\n');
  const r = await butc(dir, `-p 0 -auditlog ${audit}`);
  t.equal(r.code, 1);
  t.equal(read(`${audit}.old`), 'previous run\n');
  t.equal(read(audit), `${TS} EVENT AFS_Aud_Off CODE 0 \n${TS} EVENT AFS_TC_Start CODE 0 \n`);
  writeFileSync(join(p.localDir, 'Audit'), 'AFS_AUDIT_AllEvents\n');
  await butc(dir, `-p 0 -auditlog ${audit}`);
  t.equal(read(audit), `${TS} EVENT AFS_Aud_On CODE 0 \n${TS} EVENT AFS_TC_Start CODE 0 \n`);
  t.same(await butc(dir, '-p 0 -audit-i sysvmq -auditl /nonexistent/x'), {
    code: 1,
    stdout: `${NO_KEYS_WARNING}Warning: auditlog /nonexistent/x not writable, ignored.\n${INSECURE_REFUSAL}`,
    stderr: '',
  });
  t.same(await butc(dir, '-p 0 -audit-interface foo -localauth'), { code: 1, stdout: `${NO_KEYS_WARNING}Invalid audit interface 'foo'\n`, stderr: '' });
  const tl = join(p.backupDir, 'TL_nst0');
  t.same(await butc(dir, '-p 0 -debug x -localauth'), { code: 1, stdout: NO_KEYS_WARNING, stderr: '' }, 'Illegal debug level: TL only');
  t.ok(read(tl).endsWith(`${TS}: Illegal debug level 'x'\n`));
  t.same(await butc(dir, '-debug 4294967294 -p 0'), { code: 1, stdout: NO_KEYS_WARNING, stderr: '' }, 'a wrapped debug level hides the refusal from stdout');
  t.ok(read(tl).endsWith(`${TS}: ${INSECURE_REFUSAL}`));
});

t.test('startup state: flags, -noautoquery over AUTOQUERY, cell, port', async (t) => {
  const { p } = root(t, { keys: true });
  writeFileSync(join(p.backupDir, 'CFG_0'), 'AUTOQUERY YES\nMOUNT /srv/m.sh\n');
  const console = new CapturedConsole();
  const r = butcStartup(['-p', '0', '-n', '-l', '-r', '-c', 'other.cell'], { paths: p, console });
  if (r.kind !== 'ready') throw new Error(console.stdout + console.stderr);
  t.match(r.state, {
    portOffset: 0,
    udpPort: 7025,
    tapeConfig: { device: '/dev/nst0', capacityKB: 102400, line: 1 },
    cfg: { autoQuery: false, mountCallout: '/srv/m.sh' },
    cell: 'other.cell',
    localauth: true,
    allowUnauthenticated: false,
    rxbind: true,
  });
  r.state.logs.close();
});

t.test('tapecoord options and the root from the environment', async (t) => {
  t.same(splitTapecoordOptions(['--root', '/r', '--no-capacity-clamp', '-port', '1']), { root: '/r', liftCapacityClamp: true, rest: ['-port', '1'] });
  t.same(splitTapecoordOptions(['--root=/r', '--', '--root', 'x']), { root: '/r', liftCapacityClamp: false, rest: ['--root', 'x'] });
  t.same(splitTapecoordOptions(['--port', '1']), { liftCapacityClamp: false, rest: ['--port', '1'] }, 'butc options untouched');
  t.same(splitTapecoordOptions(['--root']), { error: 'tapecoord butc: --root needs a directory' });
  const c = new CapturedConsole();
  t.equal(await butcMain(['--root'], { console: c }), 2);
  const { dir } = root(t, { keys: true, tapeconfig: '8T 0 /dev/nst0 0\n' });
  const console = new CapturedConsole();
  t.equal(await butcMain(['-p', '0', '-l'], { console, env: { TAPECOORD_BUTC_ROOT: dir }, ...serveAndStop }), SERVED, 'TAPECOORD_BUTC_ROOT');
  t.match(console.stdout, /^Starting Tape Coordinator: Port offset 0 /);
});
