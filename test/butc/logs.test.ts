// TL/TE/.lp/CENTRALLOG writers (BUTC-SPEC §1.5): file names, line formats, routing, append mode.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { comErrBase, comErrTableName, errorLine } from '../../lib/butc/com-err.js';
import { CapturedConsole } from '../../lib/butc/console.js';
import { isButcError } from '../../lib/butc/errors.js';
import { butcTimestamp, ButcLogs, CENTRAL_LOG_HEADER, centralDumpLine, centralRestoreLine, type ButcLogPaths } from '../../lib/butc/logs.js';
import { tempDir } from '../helpers/tmp.js';

// Local-time dates, so the expected texts hold in any time zone.
const AT = new Date(2026, 10, 21, 7, 0, 29);
const TS = 'Sat Nov 21 07:00:29 2026';

function setup(t: Parameters<typeof tempDir>[0], extra: Partial<ButcLogPaths> = {}) {
  const dir = tempDir(t);
  const paths: ButcLogPaths = { tapeLog: join(dir, 'TL_0'), errorLog: join(dir, 'TE_0'), lastLog: join(dir, 'TL_0.lp'), openLastLog: false, centralLog: null, ...extra };
  const console = new CapturedConsole();
  return { dir, paths, console };
}
const read = (p: string) => readFileSync(p, 'latin1');

t.test('timestamps: strftime("%a %b %d %H:%M:%S %Y"), zero-padded day', async (t) => {
  t.equal(butcTimestamp(AT), TS);
  t.equal(butcTimestamp(new Date(2026, 0, 4, 9, 5, 3)), 'Sun Jan 04 09:05:03 2026');
});

t.test('error lines: vols texts, table names, communication failure, second code', async (t) => {
  t.equal(errorLine({ code: 1492325133, text: 'volume still in use by volserver' }), '     vols: volume still in use by volserver\n', 'the lab example');
  t.equal(errorLine({ code: 103, text: 'ignored' }), '     vols: Volume not attached, does not exist, or not on line\n');
  t.equal(errorLine({ code: 111, text: 'ignored' }), '     vols: Volume has moved to another server\n');
  t.equal(errorLine({ code: -1, text: 'ignored' }), '     Possible communication failure\n');
  t.equal(errorLine({ code: 156568837, text: 'I/O error' }, { code: 5, text: 'Input/output error' }), '     butm: I/O error: Input/output error\n');
  t.equal(comErrTableName(-7), '____', 'RX codes');
  t.equal(comErrTableName(156303880), 'budb');
  t.equal(comErrTableName(19270405), 'rxk');
  t.equal(comErrTableName(5376), 'u');
  t.equal(comErrTableName(13), '', 'errno values');
  // Appendix B bases.
  t.equal(comErrBase('BUTC'), 156566272);
  t.equal(comErrBase('BUTM'), 156568832);
  t.equal(comErrBase('BUDB'), 156303872);
  t.equal(comErrBase('RXK'), 19270400);
  t.equal(comErrBase('VOLS'), 1492325120);
  t.equal(comErrBase('CMD'), 0x334400, 'CMD: low byte 0, so exit status = error index');
});

t.test('routing: TL always, TE for errorLog/eLog, stdout by level; task prefix; error line', async (t) => {
  const { paths, console } = setup(t);
  const logs = ButcLogs.open(paths, console, { now: () => AT });
  logs.tLog(0, 'Starting Tape Coordinator: Port offset 0   Debug level 0\n');
  logs.tapeLog(1, 1001, 'Dump vs2.full\n');
  logs.tapeLog(2, 1001, 'Prompt for tape vs2.full.1\n');
  logs.errorLog(0, 1001, 'Volume vol2.r (536870923) failed\n', { code: 1492325133, text: 'volume still in use by volserver' });
  logs.eLog(3, 'Callout routine has been aborted\n');
  logs.debugLevel = 1;
  logs.tapeLog(1, 1001, 'now visible\n');
  logs.debugLevel = -2;
  logs.tLog(0, 'a wrapped debug level silences even TLog on stdout\n');
  logs.close();
  t.equal(
    read(paths.tapeLog),
    `${TS}: Starting Tape Coordinator: Port offset 0   Debug level 0\n` +
      `${TS}: Task 1001: Dump vs2.full\n` +
      `${TS}: Task 1001: Prompt for tape vs2.full.1\n` +
      `${TS}: Task 1001: Volume vol2.r (536870923) failed\n     vols: volume still in use by volserver\n` +
      `${TS}: Task 3: Callout routine has been aborted\n` +
      `${TS}: Task 1001: now visible\n` +
      `${TS}: a wrapped debug level silences even TLog on stdout\n`,
  );
  t.equal(
    read(paths.errorLog),
    `${TS}: Task 1001: Volume vol2.r (536870923) failed\n     vols: volume still in use by volserver\n${TS}: Task 3: Callout routine has been aborted\n`,
  );
  t.equal(
    console.stdout,
    'Starting Tape Coordinator: Port offset 0   Debug level 0\nVolume vol2.r (536870923) failed\n     vols: volume still in use by volserver\nCallout routine has been aborted\nnow visible\n',
  );
  t.notOk(existsSync(paths.lastLog), 'no .lp without LASTLOG');
});

t.test('append mode, .lp on the last pass only, 1023-byte messages', async (t) => {
  const { paths, console } = setup(t, { openLastLog: true });
  writeFileSync(paths.tapeLog, 'old line\n');
  const logs = ButcLogs.open(paths, console, { now: () => AT });
  logs.tLog(3, 'pass 1\n');
  logs.lastPass = true;
  logs.tLog(3, 'vs2.full (DumpId 1795243745): Finished. 3 volumes dumped\n');
  logs.tLog(0, 'x'.repeat(2000));
  logs.close();
  const tl = read(paths.tapeLog);
  t.ok(tl.startsWith(`old line\n${TS}: Task 3: pass 1\n`), 'appended, never rotated');
  t.equal(read(paths.lastLog), `${TS}: Task 3: vs2.full (DumpId 1795243745): Finished. 3 volumes dumped\n${TS}: ${'x'.repeat(1023)}`);
  t.ok(tl.endsWith(`: ${'x'.repeat(1023)}`));
});

t.test('CENTRALLOG: header only when created; dump and restore lines', async (t) => {
  const { dir, paths, console } = setup(t);
  const central = join(dir, 'central.log');
  const logs = ButcLogs.open({ ...paths, centralLog: central }, console);
  const start = new Date(2026, 10, 21, 6, 49, 6);
  logs.centralLine(centralDumpLine(3, start, start, 'vs2', 3, 0, 448));
  logs.centralLine(centralRestoreLine(4, new Date(2026, 10, 21, 6, 49, 29), new Date(2026, 10, 21, 6, 49, 31), 0, 1));
  logs.centralLine(centralRestoreLine(1005, new Date(2026, 10, 21, 6, 0, 0), new Date(2026, 10, 21, 8, 1, 2), 2, 2));
  logs.close();
  const expected =
    CENTRAL_LOG_HEADER +
    '3      11/21/2026 06:49:06  11/21/2026 06:49:06  00:00:00  vs2 3 of 3 volumes dumped (449 KB)\n' +
    '4      11/21/2026 06:49:29  11/21/2026 06:49:31  00:00:02  0 of 1 volume restored\n' +
    '1005   11/21/2026 06:00:00  11/21/2026 08:01:02  02:01:02  2 of 2 volumes restored\n';
  t.equal(read(central), expected);
  t.equal(CENTRAL_LOG_HEADER, 'TASK   START DATE/TIME      END DATE/TIME        ELAPSED   VOLUMESET\n-----  -------------------  -------------------  --------  ---------\n');
  ButcLogs.open({ ...paths, centralLog: central }, console).close();
  t.equal(read(central), expected, 'an existing central log gets no second header');
});

t.test('open failures: butc messages, exit 1', async (t) => {
  const { dir, paths, console } = setup(t);
  const missing = join(dir, 'no', 'TL_0');
  t.throws(() => ButcLogs.open({ ...paths, tapeLog: missing }, console), { code: 'file', butcStderr: `Failed to open ${missing}\n`, exitCode: 1 });
  t.throws(() => ButcLogs.open({ ...paths, errorLog: missing }, console), { code: 'file', butcStderr: `Failed to open ${missing}\n` });
  t.throws(() => ButcLogs.open({ ...paths, openLastLog: true, lastLog: missing }, console), { code: 'file', butcStderr: `Failed to open ${missing}\n` });
  try {
    ButcLogs.open({ ...paths, centralLog: join(dir, 'no', 'central') }, console);
    t.fail('should throw');
  } catch (e) {
    t.ok(isButcError(e, 'file'));
    t.equal((e as { code: 'file', butcStderr: string }).butcStderr, `Failed to open ${join(dir, 'no', 'central')}; error 2\n`);
  }
  mkdirSync(join(dir, 'd'));
  t.throws(() => ButcLogs.open({ ...paths, tapeLog: join(dir, 'd') }, console), { code: 'file', butcStderr: `Failed to open ${join(dir, 'd')}\n` }, 'a directory');
});
