// tapeconfig parsing, bug-compatible (BUTC-SPEC §1.3). Messages checked against the real butc 1.8.9.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { isButcError } from '../../lib/butc/errors.js';
import { deviceOptionEntry, parseTapeconfig, readTapeconfig } from '../../lib/butc/tapeconfig.js';
import { tempDir } from '../helpers/tmp.js';

const FILE = '/var/lib/openafs/backup/tapeconfig';
const PROBLEM = `Problem in reading config file ${FILE}\n`;

type T = Parameters<typeof tempDir>[0];

function fails(t: T, content: string, port: number, stderr: string, line: number, field: string) {
  try {
    parseTapeconfig(content, FILE, port);
    t.fail(`${JSON.stringify(content)} should be refused`);
  } catch (e) {
    if (!isButcError(e, 'tapeconfig')) throw e;
    t.equal(e.butcStderr, stderr + PROBLEM, `message for ${JSON.stringify(content)}`);
    t.equal(e.exitCode, 1);
    t.equal(e.line, line, 'line');
    t.equal(e.field, field, 'field');
    t.match(e.message, `${FILE}:${line}`, 'our message names file and line');
  }
}

t.test('the lab tapeconfig: units, first match', async (t) => {
  const lab = '100M 0 /srv/afslab/tape0.file 0\n300K 0 /srv/afslab/tape1.file 1\n100M 0 /dev/nst0 3\n';
  t.same(parseTapeconfig(lab, FILE, 0), { device: '/srv/afslab/tape0.file', capacityKB: 102400, fileMarkSize: 0, portOffset: 0, line: 1 });
  t.same(parseTapeconfig(lab, FILE, 1), { device: '/srv/afslab/tape1.file', capacityKB: 300, fileMarkSize: 0, portOffset: 1, line: 2 });
  t.match(parseTapeconfig(lab, FILE, 3), { device: '/dev/nst0', line: 3 });
  t.equal(parseTapeconfig(lab, FILE, 2), null, 'no entry');
  t.match(parseTapeconfig('2000000 2k /dev/nst0 0\n', FILE, 0), { capacityKB: 1953, fileMarkSize: 2048 }, 'no unit = bytes');
  t.match(parseTapeconfig('/dev/nst0 0\n', FILE, 0), { device: '/dev/nst0', capacityKB: 2147483647, fileMarkSize: 0 }, 'two-field form');
  t.match(parseTapeconfig('/dev/nst0 0 trailing words\n', FILE, 0), { device: '/dev/nst0', capacityKB: 2147483647 }, 'two-field form with rest');
  t.match(parseTapeconfig('100M 0 /dev/nst0 0extra\n', FILE, 0), { device: '/dev/nst0' }, 'rest glued to the port');
  t.match(parseTapeconfig('100M 0 /dev/a 0\n100M 0 /dev/b 0\n', FILE, 0), { device: '/dev/a', line: 1 }, 'the first matching line wins');
  t.match(parseTapeconfig('100M 0 /dev/a 0\ngarbage\n', FILE, 0), { device: '/dev/a' }, 'lines after the match are never read');
  t.match(parseTapeconfig('# 5\n', FILE, 5), { device: '#', portOffset: 5 }, '"# 5" is device # on port 5');
  t.match(parseTapeconfig('8T 0 /dev/nst0 0\n', FILE, 0), { capacityKB: 2147483647 }, 'clamped to 2^31-1 KB');
  t.match(parseTapeconfig('8T 0 /dev/nst0 0\n', FILE, 0, { liftCapacityClamp: true }), { capacityKB: 4294967295 }, 'clamp lifted');
  t.match(parseTapeconfig('3T 0 /dev/nst0 0\n', FILE, 0, { liftCapacityClamp: true }), { capacityKB: 3221225472 });
  t.equal(parseTapeconfig(`100M 0 /dev/${'d'.repeat(120)} 0\n`, FILE, 0)!.device.length, 100, 'device cut to 100 bytes');
});

t.test('fatal lines, with butc messages (the line keeps its newline)', async (t) => {
  fails(t, '# a comment\n100M 0 /dev/nst0 0\n', 0, 'tapeconfig: Parse error in: # a comment\n\n', 1, 'line');
  fails(t, '\n100M 0 /dev/nst0 0\n', 0, 'tapeconfig: Parse error in: \n\n', 1, 'line');
  fails(t, '100Mb 0 /dev/nst0 0\n', 0, 'tapeconfig: Tape capacity parse error in: 100Mb 0 /dev/nst0 0\n\n', 1, 'capacity');
  fails(t, '100M 0x /dev/nst0 0\n', 0, 'tapeconfig: File-mark size parse error in: 100M 0x /dev/nst0 0\n\n', 1, 'filemark size');
  fails(t, '100M 0 /dev/nst0 58511\n', 0, 'tapeconfig: Port offset parse error in: 100M 0 /dev/nst0 58511\n\n', 1, 'port offset');
  fails(t, '/dev/nst0 -1\n', 0, 'tapeconfig: Port offset parse error in: /dev/nst0 -1\n\n', 1, 'port offset');
  fails(t, '100M nan /dev/nst0 0\n', 0, 'Invalid file mark size, -2147483648, in: 100M nan /dev/nst0 0\n\n', 1, 'filemark size');
  fails(t, '100M 0 /dev/nst0 1\ngarbage\n100M 0 /dev/nst0 0\n', 0, 'tapeconfig: Parse error in: garbage\n\n', 2, 'line');
  const long = `${'x'.repeat(300)} 0\n100M 0 /dev/nst0 0\n`;
  fails(t, long, 0, `tapeconfig: Parse error in: ${'x'.repeat(254)}\n`, 1, 'line');
});

t.test('lines for other ports are validated but their filemark size is not', async (t) => {
  t.match(parseTapeconfig('100M nan /dev/nst0 1\n100M 0 /dev/x 0\n', FILE, 0), { device: '/dev/x', line: 2 });
});

t.test('reading the file: missing is no entry, a directory too (fopen succeeds, fgets fails)', async (t) => {
  const dir = tempDir(t);
  t.equal(readTapeconfig(join(dir, 'tapeconfig'), 0), null);
  mkdirSync(join(dir, 'tapeconfig'));
  t.equal(readTapeconfig(join(dir, 'tapeconfig'), 0), null);
  writeFileSync(join(dir, 'tc'), Buffer.from('100M 0 /dev/t\xe9pe 0\n', 'latin1'));
  t.equal(readTapeconfig(join(dir, 'tc'), 0)!.device, '/dev/t\xe9pe', 'bytes survive (binary string)');
  t.same(deviceOptionEntry('/dev/nst9', 4), { device: '/dev/nst9', capacityKB: 2147483647, fileMarkSize: 0, portOffset: 4, line: null }, '-device');
});
