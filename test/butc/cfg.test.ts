// CFG_* files: which file, device-name mangling, every keyword with good and bad values (BUTC-SPEC §1.4).
// The expected console output was checked against the real butc 1.8.9.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { cfgDefaults, chooseCfg, parseCfg } from '../../lib/butc/cfg.js';
import { mangleDeviceName } from '../../lib/butc/device-name.js';
import { butcPaths } from '../../lib/butc/paths.js';
import { tempDir } from '../helpers/tmp.js';

const P = '/var/lib/openafs/backup/CFG_1';
const stdout = (r: ReturnType<typeof parseCfg>) => r.output.filter((c) => c.stream === 'stdout').map((c) => c.text).join('');
const stderr = (r: ReturnType<typeof parseCfg>) => r.output.filter((c) => c.stream === 'stderr').map((c) => c.text).join('');

t.test('device-name mangling', async (t) => {
  const table: [string, string][] = [
    ['/dev/nst0', '_nst0'],
    ['/dev/rmt/4m', '_rmt_4m'],
    ['/var/tmp/FILE', '_var_tmp_FILE'],
    ['/srv/afslab/tape0.file', '_srv_afslab_tape0.file'],
    ['tape0', 'tape0'],
    ['/devices/x', 'ices_x'],
    ['', ''],
  ];
  for (const [device, mangled] of table) t.equal(mangleDeviceName(device), mangled, device);
});

t.test('the lab CFG file: every message as listed in the spec', async (t) => {
  const lab = 'FILE YES\nAUTOQUERY YES\nASK NO\nNAME_CHECK NO\nMOUNT /srv/afslab/callout.sh\nUNMOUNT /srv/afslab/callout.sh\nCENTRALLOG /srv/afslab/central.log\nLASTLOG YES\nSTATUS 4\nBUFFERSIZE 48k\nMAXPASS 2\n';
  const r = parseCfg(lab, P);
  t.equal(
    stdout(r),
    'Will dump to a file\nAuto query is enabled\nOperator queries are disabled\nDump tape name check is disabled\n' +
      'Tape mount callout routine is /srv/afslab/callout.sh\nTape unmount callout routine is /srv/afslab/callout.sh\n' +
      'Central log file is /srv/afslab/central.log\nWill generate a last log\nBUFFERSIZE is 48 KBytes\nMAXPASS is 2\nStatus every 196608 Bytes\n',
  );
  t.same(r.settings, {
    nameCheck: false,
    mountCallout: '/srv/afslab/callout.sh',
    unmountCallout: '/srv/afslab/callout.sh',
    askOperator: false,
    fileMode: true,
    autoQuery: true,
    tapeBlocks: 3,
    bufferSize: 49152,
    maxPass: 2,
    groupId: 0,
    lastLog: true,
    centralLog: '/srv/afslab/central.log',
    statusSize: 196608,
  });
  t.equal(r.error, undefined);
});

t.test('odd lines, case, repeated keywords, parse errors (real butc output)', async (t) => {
  const cfg =
    'FILE YES\nAUTOQUERY yes\nASK NO\nNAME_CHECK no\nMOUNT /srv/callout.sh extra\nUNMOUNT /srv/callout.sh\nCENTRALLOG /tmp/central-XYZ.log\n' +
    'LASTLOG YES\nSTATUS 4\nBUFFERSIZE 48k\nMAXPASS 99\n# a comment\nlonely\n\n   \nSTATUS_MSG x\nGROUPID 7\nmaxpass 5x\nBUFFERSIZE 1m\n' +
    'BUFFERSIZE 10kb\nSTATUS nan\nlastline-no-newline value';
  const r = parseCfg(cfg, P);
  t.equal(
    stdout(r),
    'Will dump to a file\nAuto query is enabled\nOperator queries are disabled\nDump tape name check is disabled\n' +
      'Tape mount callout routine is /srv/callout.sh\nTape unmount callout routine is /srv/callout.sh\nCentral log file is /tmp/central-XYZ.log\n' +
      'Will generate a last log\nBUFFERSIZE is 48 KBytes\nMAXPASS is 10\nWarning: Unrecognized configuration parameter: # a comment\n' +
      'Bad line in /var/lib/openafs/backup/CFG_1: lonely\n\nWarning: Unrecognized configuration parameter: STATUS_MSG x\nGroup Id is 7\n' +
      'MAXPASS is 1\nBUFFERSIZE is 1024 KBytes\nBUFFERSIZE is 16 KBytes\n' +
      'Warning: Unrecognized configuration parameter: lastline-no-newline valueStatus every 16384 Bytes\n',
  );
  t.equal(stderr(r), 'BUFFERSIZE parse error\n');
  t.match(r.settings, { groupId: 7, maxPass: 1, tapeBlocks: 1, bufferSize: 16384, statusSize: 16384 });
});

t.test('each keyword: values and messages', async (t) => {
  const one = (line: string) => parseCfg(`${line}\n`, P);
  t.equal(stdout(one('name_check yes')), 'Dump tape name check is enabled\n');
  t.equal(stdout(one('ask maybe')), 'Operator queries are enabled\n');
  t.equal(stdout(one('file no')), 'Will not dump to a file\n');
  t.equal(stdout(one('file y')), 'Will not dump to a file\n', 'anything but YES is tape mode');
  t.equal(stdout(one('autoquery no')), 'Auto query is disabled\n');
  t.equal(stdout(one('lastlog no')), 'Will not generate a last log\n');
  t.equal(stdout(one('BUFFERSIZE 1m')), 'BUFFERSIZE is 1024 KBytes\n');
  t.equal(stdout(one('BUFFERSIZE 20k')), 'BUFFERSIZE is 16 KBytes\n', 'rounded down to 16 KB blocks');
  t.equal(stdout(one('BUFFERSIZE 15000')), 'BUFFERSIZE is 16 KBytes\n', 'bytes by default, at least one block');
  const big = one('BUFFERSIZE 2T\nSTATUS 2');
  t.equal(stdout(big), 'BUFFERSIZE is 2147483632 KBytes\nStatus every 2147483647 Bytes\n', 'BufferSize wraps, STATUS saturates (real butc)');
  t.equal(big.settings.bufferSize, -16384, 'afs_int32 wrap of 134217727 x 16384');
  t.equal(stdout(one('MAXPASS 0')), 'MAXPASS is 1\n');
  t.equal(stdout(one('MAXPASS 7')), 'MAXPASS is 7\n');
  t.equal(stdout(one('GROUPID 2147483647')), 'Group Id is 2147483647\n');
  t.equal(stdout(one('STATUS 0')), 'Status every 16384 Bytes\n', 'STATUS clamped to one buffer');
  t.equal(stdout(one('STATUS 2\nBUFFERSIZE 32k')), 'BUFFERSIZE is 32 KBytes\nStatus every 65536 Bytes\n', 'multiplied by the final BufferSize');
  const bad = one('STATUS x');
  t.equal(stderr(bad), 'STATUS parse error\n');
  t.equal(stdout(bad), 'Status every 16384 Bytes\n');
  t.equal(stdout(one('MOUNT')), `Bad line in ${P}: MOUNT\n\n`, 'one token');
  t.same(parseCfg('', P).settings, cfgDefaults(), 'empty file: defaults');
});

t.test('fatal keywords: GROUPID out of range, XBSA keywords (exit 1, no Status line)', async (t) => {
  for (const v of ['0', '-5', 'x', '2147483648']) {
    const r = parseCfg(`STATUS 3\nGROUPID ${v}\nASK NO\n`, P);
    t.equal(stdout(r), `Configuration file error, GROUPID ${v} is invalid\n`, `GROUPID ${v}`);
    t.match(r.error, { code: 'cfg', exitCode: 1, line: 2, field: 'GROUPID', file: P });
  }
  for (const k of ['TYPE', 'node', 'SERVER', 'PASSWORD', 'PASSFILE', 'MGMTCLASS']) {
    const r = parseCfg(`ASK yes\n${k} tsm\nSTATUS 3\n`, P);
    t.equal(stdout(r), 'Operator queries are enabled\nThis binary does not have XBSA support\n', k);
    t.match(r.error, { code: 'cfg', exitCode: 1, line: 2 });
  }
});

t.test('which CFG file, and the log names that follow', async (t) => {
  const root = tempDir(t);
  const paths = butcPaths(root);
  mkdirSync(paths.backupDir, { recursive: true });
  const none = chooseCfg(paths, 3, '/dev/nst0');
  t.same(none, {
    cfgPath: null,
    byPort: false,
    tapeLog: `${paths.backupDir}/TL_nst0`,
    errorLog: `${paths.backupDir}/TE_nst0`,
    lastLog: `${paths.backupDir}/TL_nst0.lp`,
    content: null,
  });
  writeFileSync(join(paths.backupDir, 'CFG_nst0'), 'ASK NO\n');
  t.match(chooseCfg(paths, 3, '/dev/nst0'), { cfgPath: `${paths.backupDir}/CFG_nst0`, byPort: false, content: 'ASK NO\n' });
  writeFileSync(join(paths.backupDir, 'CFG_3'), 'FILE YES\n');
  t.same(chooseCfg(paths, 3, '/dev/nst0'), {
    cfgPath: `${paths.backupDir}/CFG_3`,
    byPort: true,
    tapeLog: `${paths.backupDir}/TL_3`,
    errorLog: `${paths.backupDir}/TE_3`,
    lastLog: `${paths.backupDir}/TL_3.lp`,
    content: 'FILE YES\n',
  });
  t.match(chooseCfg(paths, 4, 'tape0'), { cfgPath: null, tapeLog: `${paths.backupDir}/TLtape0` }, 'relative device: no separator');
  mkdirSync(join(paths.backupDir, 'CFG_5'));
  t.match(chooseCfg(paths, 5, '/dev/nst0'), { byPort: true, content: '' }, 'a directory opens (and reads as empty)');
});
