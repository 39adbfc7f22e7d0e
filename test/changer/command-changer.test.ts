// The command changer: our mtx configurations in afbackup's format (fixtures/afbackup-configs.ts)
// run against an mtx imitation (so their grep/awk/sed pipelines parse real `mtx status` text), the
// numbering between mtx and afbackup, % substitution, device paths that try to inject shell
// syntax, and failing commands.
import t, { type Test } from 'tap';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChangerConfig, type AfbackupChangerConfig } from '../../lib/changer/afbackup-config.js';
import type { ChangerStatus, ElementRef } from '../../lib/changer/changer.js';
import { CommandChanger, expandListTemplate, expandMoveTemplate, type CommandChangerLayout } from '../../lib/changer/command-changer.js';
import { tempDir } from '../helpers/tmp.js';
import { fixtureConfig, MTX_STYLE_STORAGE_SLOTS } from './fixtures/afbackup-configs.js';

const slot = (index: number): ElementRef => ({ kind: 'slot', index });
const drive = (index: number): ElementRef => ({ kind: 'drive', index });

/**
 * An mtx imitation: `mtx -f DEVICE status|load|unload|transfer`, where DEVICE is a state file of
 * `layout DRIVES SLOTS IMPORT_EXPORT`, `D INDEX TAG|-|? SOURCE|-` and `S NUMBER TAG|-|?` lines
 * (- empty, ? a cartridge without barcode). It prints status as mtx 1.3 does, refuses what mtx
 * refuses with mtx's exit code 1, and logs each call to DEVICE.log.
 */
const FAKE_MTX = String.raw`#!/bin/sh
[ "$1" = -f ] || { echo "usage: mtx -f <device> <command>" >&2; exit 2; }
dev=$2
shift 2
echo "$*" >> "$dev.log"
awk -v op="$1" -v a="$2" -v b="$3" -v dev="$dev" '
function fail(m) { print "mtx: " m > "/dev/stderr"; exit 1 }
function slotok(s) { if (s !~ /^[0-9]+$/ || s < 1 || s > slots + ie) fail("Invalid element " s) }
$1 == "layout" { drives = $2; slots = $3; ie = $4; next }
$1 == "D" { dt[$2] = $3; ds[$2] = $4; next }
$1 == "S" { st[$2] = $3; next }
END {
  if (op == "status") {
    printf "  Storage Changer %s:%d Drives, %d Slots ( %d Import/Export )\n", dev, drives, slots + ie, ie
    for (d = 0; d < drives; d++) {
      printf "Data Transfer Element %d:", d
      if (dt[d] == "-") { print "Empty"; continue }
      printf "Full (Storage Element %d Loaded)", ds[d]
      if (dt[d] != "?") printf ":VolumeTag = %-32s", dt[d]
      print ""
    }
    for (s = 1; s <= slots + ie; s++) {
      printf "      Storage Element %d%s:", s, (s > slots ? " IMPORT/EXPORT" : "")
      if (st[s] == "-") { print "Empty"; continue }
      printf "Full "
      if (st[s] != "?") printf ":VolumeTag=%-32s", st[s]
      print ""
    }
    exit 0
  }
  if (op == "load") {
    d = b == "" ? 0 : b; slotok(a)
    if (st[a] == "-") fail("source Element Address " a " is Empty")
    if (dt[d] != "-") fail("Drive " d " Full (Storage Element " ds[d] " loaded)")
    dt[d] = st[a]; ds[d] = a; st[a] = "-"
  } else if (op == "unload") {
    d = b == "" ? 0 : b
    if (dt[d] == "-") fail("Data Transfer Element " d " is Empty")
    s = a == "" ? ds[d] : a; slotok(s)
    if (st[s] != "-") fail("Storage Element " s " is Already Full")
    st[s] = dt[d]; dt[d] = "-"; ds[d] = "-"
  } else if (op == "transfer") {
    slotok(a); slotok(b)
    if (st[a] == "-") fail("source Element Address " a " is Empty")
    if (st[b] != "-") fail("destination Element Address " b " is Already Full")
    st[b] = st[a]; st[a] = "-"
  } else fail("unknown command " op)
  print "layout", drives, slots, ie > (dev ".new")
  for (d = 0; d < drives; d++) print "D", d, dt[d], ds[d] > (dev ".new")
  for (s = 1; s <= slots + ie; s++) print "S", s, st[s] > (dev ".new")
}' "$dev" || exit 1
[ "$1" = status ] || mv "$dev.new" "$dev"
`;

const root = tempDir(t);
process.env['TAPECOORD_LOCK_DIR'] = join(root, 'lock'); // the changers' lock files, kept off the host's /run/lock
const bin = join(root, 'bin');
mkdirSync(bin);
writeFileSync(join(bin, 'mtx'), FAKE_MTX);
chmodSync(join(bin, 'mtx'), 0o755);
process.env['PATH'] = `${bin}:${process.env['PATH']}`;

const MTX_LAYOUT: CommandChangerLayout = { slots: MTX_STYLE_STORAGE_SLOTS, loadports: 1, drives: 2 };
const STREAMERS = ['/dev/nst0', '/dev/nst1'];

/** A library in the mtx imitation: drive 0 loaded from slot 1, a few slots full, a tape in the mail slot. */
function mtxLibrary(t: Test): string {
  const device = join(tempDir(t), 'changer');
  const slots = Array.from({ length: 30 }, (_, i) => `S ${i + 1} -`);
  slots[1] = 'S 2 TC0101L7';
  slots[2] = 'S 3 ?';
  slots[4] = 'S 5 TC0103L7';
  slots[28] = 'S 29 TC0104L7';
  slots[29] = 'S 30 TC0102L7';
  writeFileSync(device, ['layout 2 29 1', 'D 0 TC0100L7 1', 'D 1 - -', ...slots, ''].join('\n'));
  return device;
}

const calls = (device: string) => (existsSync(`${device}.log`) ? readFileSync(`${device}.log`, 'utf8').trim().split('\n') : []);

/** Barcodes by mtx slot number and drive, `?` for a full element without one, `-` for empty. */
function picture(s: ChangerStatus) {
  return {
    slots: s.slots.map((e) => (e.full ? (e.barcode ?? '?') : '-')).join(' '),
    drives: s.drives.map((d) => (d.full ? (d.barcode ?? '?') : '-')).join(' '),
  };
}

function changer(config: AfbackupChangerConfig, device: string, layout = MTX_LAYOUT, streamers = STREAMERS) {
  return new CommandChanger({ config, changer: device, streamers, layout });
}

const EMPTY23 = Array(23).fill('-').join(' ');

t.test('mtx-style on mtx status output: status', async (t) => {
  const device = mtxLibrary(t);
  const c = changer(fixtureConfig('mtx-style'), device);
  t.equal(c.device, device);
  const s = await c.status();
  t.same(picture(s), { slots: `- TC0101L7 ? - TC0103L7 ${EMPTY23} TC0104L7 TC0102L7`, drives: 'TC0100L7 -' });
  t.match(s, { device, vendor: null, product: null, serial: null, transports: [] });
  t.same(s.drives[0], { index: 0, address: 1, full: true, barcode: 'TC0100L7', sourceSlot: null, device: '/dev/nst0', serial: null, vendor: null, product: null, exception: null });
  t.match(s.drives[1], { index: 1, address: 2, full: false, device: '/dev/nst1' });
  t.same(s.slots[29], { index: 30, address: 1, full: true, barcode: 'TC0102L7', importExport: true, accessible: true, exception: null }, 'loadport 1 is mtx slot 30');
  t.match(s.slots[28], { index: 29, address: 29, importExport: false, barcode: 'TC0104L7' });
  t.same(calls(device), ['status', 'status', 'status'], 'empty slots, empty loadports, tape labels: one mtx status each');

  const before = calls(device).length;
  const c3 = changer(fixtureConfig('mtx-style', (text) => text.replace(/^ListTapeLabels Command:/m, '#$&')), device);
  t.same(picture(await c3.status()), picture(s), 'the three per-type label commands say the same');
  t.same(calls(device).slice(before), ['status', 'status', 'status', 'status', 'status'], 'empty slots, empty loadports, then labels of drives, slots and loadports');

  const basic = changer(fixtureConfig('mtx-basic'), device, { slots: MTX_STYLE_STORAGE_SLOTS, loadports: 0, drives: 2 });
  t.same(
    picture(await basic.status()),
    { slots: `- ? ? - ? ${EMPTY23} ?`, drives: '- -' },
    'mtx-basic: the same free slots, no barcodes; the import/export element is not one of its slots',
  );
});

t.test("mtx-style: moves with afbackup's numbers, checks, refusals", async (t) => {
  const device = mtxLibrary(t);
  const c = changer(fixtureConfig('mtx-style'), device);
  await c.move(slot(2), drive(1));
  t.equal(calls(device).at(-1), 'load 2 1', 'Move Slot To Drive: mtx -f %D load %n %M');
  await c.move(drive(0), slot(4));
  t.equal(calls(device).at(-1), 'unload 4 0', 'Move Drive To Slot: mtx -f %D unload %N %m');
  t.same(picture(await c.status()), { slots: `- - ? TC0100L7 TC0103L7 ${EMPTY23} TC0104L7 TC0102L7`, drives: '- TC0101L7' });

  const before = calls(device).length;
  await t.rejects(c.move(slot(1), drive(0)), { code: 'source-empty', message: new RegExp(`^${device}: cannot move from slot 1: it is empty$`) });
  await t.rejects(c.move(slot(5), drive(1)), { code: 'destination-full', message: /cannot move to drive 1: it is full$/ });
  await t.rejects(c.move(drive(1), slot(3)), { code: 'destination-full', message: /cannot move to slot 3: it is full$/ });
  t.ok(calls(device).slice(before).every((l) => l === 'status'), 'refused before any move was asked of the robot');
  await t.rejects(c.move(slot(3), slot(4)), { code: 'unsupported', message: /mtx-style\.conf has no command to move from a slot to a slot \(Move-Slot-To-Slot-Command\)$/ });
  await t.rejects(c.move(slot(30), drive(0)), { code: 'unsupported', message: /from a loadport to a drive \(Move-Loadport-To-Drive-Command\)/ });
  await t.rejects(c.move(slot(31), drive(0)), { code: 'no-such-element', message: /no slot 31: the changer has drives 0-1 and slots 1-30 \(30-30 are loadports\)$/ });
  await t.rejects(c.move(slot(0), drive(0)), { code: 'no-such-element' });
  await t.rejects(c.move(slot(3), drive(2)), { code: 'no-such-element', message: /no drive 2/ });

  // A cartridge without barcode in a drive is invisible to the labels: mtx itself refuses.
  await c.move(slot(3), drive(0));
  t.same(picture(await c.status()).drives, '- TC0101L7', 'a drive holding a cartridge without barcode looks empty');
  await t.rejects(c.move(slot(5), drive(0)), {
    code: 'device-error',
    message: /'Move Slot To Drive Command' \(mtx-style\.conf:\d+\) failed with exit code 1; stderr: mtx: Drive 0 Full \(Storage Element 3 loaded\); it ran: mtx -f "\$TAPECOORD_CHANGER" load 5 0$/,
  });
  await t.rejects(c.exchange(slot(2), drive(0)), { code: 'unsupported', message: /no exchange command/ });
  await c.inventory();
  await c.close();
});

t.test('mtx-style with its loadport and slot-to-slot lines uncommented', async (t) => {
  const device = mtxLibrary(t);
  const uncommented = (text: string) => text.replace(/^#(Move (Drive To Loadport|Loadport To Drive|Slot To Loadport|Loadport To Slot|Slot To Slot) Command: mtx)/gm, '$1');
  const c = changer(fixtureConfig('mtx-style', uncommented), device);
  await c.move(slot(30), drive(1));
  await c.move(slot(2), slot(30));
  await c.move(slot(30), slot(4));
  await c.move(drive(1), slot(30));
  await c.move(slot(5), slot(6));
  t.same(calls(device).filter((l) => l !== 'status'), ['load 30 1', 'transfer 2 30', 'transfer 30 4', 'unload 30 1', 'transfer 5 6']);
  t.same(picture(await c.status()), { slots: `- - ? TC0101L7 - TC0103L7 ${Array(22).fill('-').join(' ')} TC0104L7 TC0102L7`, drives: 'TC0100L7 -' });
  await t.rejects(c.move(slot(2), slot(30)), { code: 'source-empty', message: /cannot move from slot 2/ });
  await t.rejects(c.move(slot(4), slot(30)), { code: 'destination-full', message: /cannot move to slot 30 \(loadport 1\): it is full/ });
});

t.test('echo-test: %n [%m] %N [%M] per location type, number lists with ranges', async (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'moves');
  const edit = (text: string) =>
    text
      .replace(/^(Move .* Cmd: echo ".*")$/gm, `$1 >> ${log}`)
      .replace(/^Empty Slots Command:.*$/m, '')
      .replace(/^#(Empty (Slots|Loadports) Command:)/gm, '$1');
  const c = changer(fixtureConfig('echo-test', edit), '/dev/sch0', { slots: 11, loadports: 4, drives: 2 });
  t.same(picture(await c.status()), { slots: '? - ? - ? ? - - - - - ? ? - -', drives: '- -' });
  await c.move(drive(1), slot(2));
  await c.move(slot(1), drive(0));
  await c.move(slot(12), slot(4));
  await c.move(slot(3), slot(15));
  await c.move(drive(0), slot(14));
  t.same(readFileSync(log, 'utf8').trim().split('\n'), [
    'drive 2 [1] -> slot 2 [1]',
    'slot 1 [0] -> drive 1 [0]',
    'loadport 1 [0] -> slot 4 [3]',
    'slot 3 [2] -> loadport 4 [3]',
    'drive 1 [0] -> loadport 3 [2]',
  ]);
  await t.rejects(c.move(slot(12), slot(13)), { code: 'unsupported', message: /Move-Loadport-To-Loadport-Command/ });
});

t.test('loose-names: dashes, underscores, Cmd, Free and Load Bay drive a changer like the usual names', async (t) => {
  const c = changer(fixtureConfig('loose-names'), '/dev/sg3', { slots: 3, loadports: 1, drives: 1 }, ['/dev/nst0']);
  t.same(picture(await c.status()), { slots: 'LN0002 - - -', drives: 'LN0001' });
  await t.resolves(c.move(slot(1), slot(4)), 'MOVE SLOT TO LOAD-BAY CMD');
  await t.resolves(c.move(slot(1), slot(2)), 'move_slot_to_slot_command');
  await t.resolves(c.move(drive(0), slot(3)), 'Move Drive To Slot Cmd');
  await t.rejects(c.move(slot(1), drive(0)), { code: 'destination-full', message: /cannot move to drive 0: it is full$/ }, 'ListTapeLabels-inDrives Command names the drive full');
  await t.rejects(c.move(slot(4), slot(2)), { code: 'source-empty', message: /cannot move from slot 4 \(loadport 1\): it is empty$/ }, 'Free Load Bays Command names loadport 1 free');
  await t.rejects(c.move(drive(0), slot(4)), { code: 'unsupported', message: /loose-names\.conf has no command to move from a drive to a loadport \(Move-Drive-To-Loadport-Command\)$/ });
});

t.test('% substitution: numbers, devices quoted for where they stand, %%, the rest untouched', async (t) => {
  t.equal(expandMoveTemplate('mtx -f %D load %n %M >/dev/null', 3, 1), 'mtx -f "$TAPECOORD_CHANGER" load 3 0 >/dev/null');
  t.equal(expandMoveTemplate('chio -f %D move drive %m slot %M', 1, 7), 'chio -f "$TAPECOORD_CHANGER" move drive 0 slot 6');
  t.equal(expandMoveTemplate('echo "moving %d (%D) %n(%m) to %N(%M)"', 2, 5), 'echo "moving ${TAPECOORD_STREAMER} (${TAPECOORD_CHANGER}) 2(1) to 5(4)"');
  t.equal(expandMoveTemplate("mover load %m && sh -c 'mt -f %d status'", 4, 1), `mover load 3 && sh -c 'mt -f "$TAPECOORD_STREAMER" status'`);
  t.equal(expandMoveTemplate("date +%%s%%N; printf '%s' x; echo 100%", 1, 1), "date +%s%N; printf '%s' x; echo 100%");
  t.equal(expandMoveTemplate('echo \\%D "\\"%D"', 1, 1), 'echo \\%D "\\"${TAPECOORD_CHANGER}"', 'a backslash keeps % literal; an escaped quote does not end the quotes');
  t.equal(expandMoveTemplate(`echo "it's %D" '"%d'`, 1, 1), 'echo "it\'s ${TAPECOORD_CHANGER}" \'""$TAPECOORD_STREAMER"\'', 'a quote of the other kind does not count');
  t.equal(expandListTemplate(`mtx -f %D status | awk '{printf "%d %n %N %%\\n", $1}'`), `mtx -f "$TAPECOORD_CHANGER" status | awk '{printf "%d %n %N %%\\n", $1}'`, 'list commands: only %D, as afbackup');
});

t.test('device paths cannot inject shell syntax, in any quoting', async (t) => {
  const dir = tempDir(t);
  const streamer = `${dir}/x; touch ${dir}/PWNED $(touch ${dir}/PWNED2) \`touch ${dir}/PWNED3\` $HOME * 'q' "dq" \\ %n`;
  const device = `${dir}/ch "a b" '; touch ${dir}/PWNED4 #' $(id)`;
  const out = join(dir, 'out');
  const text = [
    `Move Slot To Drive Command: printf '%%s\\n' %d %D >> ${out}; printf '%%s\\n' "[%d]" "[%D]" >> ${out}; sh -c 'printf "%%s\\n" %d %D' >> ${out}`,
    `Empty Slots Command: printf '%s\\n' %D "<%D>" >> ${out}; echo 1`,
  ].join('\n');
  const c = changer(parseChangerConfig(text, 'inject.conf'), device, { slots: 2, loadports: 0, drives: 1 }, [streamer]);
  await c.move(slot(2), drive(0));
  t.same(readFileSync(out, 'utf8').split('\n').slice(0, -1), [
    device,
    `<${device}>`,
    streamer,
    device,
    `[${streamer}]`,
    `[${device}]`,
    streamer,
    device,
  ]);
  for (const f of ['PWNED', 'PWNED2', 'PWNED3', 'PWNED4']) t.notOk(existsSync(join(dir, f)), `no ${f}`);

  const refused = (streamers: string[], changerDevice: string, message: RegExp) =>
    t.throws(() => changer(parseChangerConfig(text, 'inject.conf'), changerDevice, { slots: 2, loadports: 0, drives: 1 }, streamers), { code: 'config', message });
  refused(['/dev/nst0\ntouch /tmp/PWNED'], '/dev/sg3', /the streamer of drive 1 "\/dev\/nst0\\ntouch \/tmp\/PWNED" contains a control character/);
  refused(['/dev/nst0'], '/dev/sg3\r', /the changer device "\/dev\/sg3\\r" contains a control character/);
  refused([''], '/dev/sg3', /the streamer of drive 1 is empty/);
});

t.test('configuration and layout checks', async (t) => {
  const base = parseChangerConfig('Move Slot To Drive Command: true\nEmpty Slots Command: echo\n', 'c.conf');
  const bad = (config: AfbackupChangerConfig, layout: CommandChangerLayout, streamers: string[], message: RegExp) =>
    t.throws(() => changer(config, '/dev/sg3', layout, streamers), { name: 'ChangerError', code: 'config', device: '/dev/sg3', message });
  bad(parseChangerConfig('Move Slot To Drive Command: true\n', 'c.conf'), { slots: 2, loadports: 0, drives: 1 }, ['/dev/nst0'], /c\.conf: no List-Empty-Slots-Command/);
  bad(base, { slots: 2, loadports: 1, drives: 1 }, ['/dev/nst0'], /c\.conf: no List-Empty-Loadports-Command: it is needed for a changer with loadports/);
  bad(base, { slots: 2, loadports: 0, drives: 2 }, ['/dev/nst0'], /2 drives need 2 streamer devices \(one per drive\), got 1/);
  bad(base, { slots: 0, loadports: 0, drives: 1 }, ['/dev/nst0'], /layout: slots must be an integer of at least 1, got 0/);
  bad(base, { slots: 2, loadports: -1, drives: 1 }, ['/dev/nst0'], /layout: loadports must be an integer of at least 0, got -1/);
  bad(base, { slots: 2, loadports: 0, drives: 1.5 }, ['/dev/nst0'], /layout: drives must be an integer of at least 1, got 1\.5/);
});

t.test('failing commands: exit codes, stderr, output that is no list, timeouts, contradictions', async (t) => {
  const layout = { slots: 4, loadports: 0, drives: 1 };
  const make = (lines: string[], o: { moveTimeoutMs?: number; listTimeoutMs?: number } = {}) =>
    new CommandChanger({ config: parseChangerConfig(lines.join('\n'), 'f.conf'), changer: '/dev/sg3', streamers: ['/dev/nst0'], layout, ...o });
  const jammed = make(['Move Slot To Drive Command: echo robot jammed >&2; exit 3', 'Empty Slots Command: echo 2-4']);
  await t.rejects(jammed.move(slot(1), drive(0)), {
    code: 'device-error',
    message: /^\/dev\/sg3: 'Move Slot To Drive Command' \(f\.conf:1\) failed with exit code 3; stderr: robot jammed; it ran: echo robot jammed >&2; exit 3$/,
  });
  await t.rejects(make(['Empty Slots Command: echo 1; echo "no such slot" >&2; exit 1']).status(), { code: 'device-error', message: /'Empty Slots Command' \(f\.conf:1\) failed with exit code 1; stderr: no such slot/ });
  await t.rejects(make(['Empty Slots Command: echo 1; echo Storage Element 2']).status(), { code: 'device-error', message: /'Empty Slots Command' \(f\.conf:1\) printed at line 2 'Storage Element 2': 'Storage' is not a slot number or range/ });
  await t.rejects(make(['Empty Slots Command: kill -9 $$']).status(), { code: 'device-error', message: /was killed by SIGKILL/ });
  await t.rejects(make(['Empty Slots Command: no-such-command-anywhere']).status(), { code: 'device-error', message: /exit code 127; stderr: tapecoord-changer: .*no-such-command-anywhere/ });

  const started = Date.now();
  await t.rejects(make(['Empty Slots Command: sleep 20 | cat; echo 1'], { listTimeoutMs: 150 }).status(), { code: 'device-error', message: /'Empty Slots Command' \(f\.conf:1\) did not finish within 0\.15 s and was killed/ });
  t.ok(Date.now() - started < 3000, 'the whole pipeline was killed, not only the shell');
  const slowMove = make(['Move Slot To Drive Command: sleep 20', 'Empty Slots Command: echo 2-4'], { moveTimeoutMs: 150 });
  await t.rejects(slowMove.move(slot(1), drive(0)), { message: /did not finish within 0\.15 s/ });

  await t.rejects(make(['Empty Slots Command: echo 2-4', 'Tape Labels Command: echo slot 1 A; echo slot 3 B']).status(), {
    code: 'device-error',
    message: /slot 3 is listed empty and also with the label 'B'; ask again/,
  });
  await t.rejects(make(['Empty Slots Command: echo', 'Tape Labels Command: echo slot 1 A; echo SLOT 1 B']).status(), { message: /list slot 1 twice \('A' and 'B'\)/ });
  const labelled = make(['Empty Slots Command: echo 2', 'Tape Labels Command: echo slot 1 A; echo drive 1 D']);
  t.same(picture(await labelled.status()), { slots: 'A - ? ?', drives: 'D' });
  const perType = make(['Empty Slots Command: echo 2', 'ListTapeLabels-inSlots Command: echo 3 C', 'List-Tapelabels-in-Loadports-Command: exit 1']);
  t.same(picture(await perType.status()), { slots: '? - C ?', drives: '-' }, 'a loadports command is not run for a changer without loadports');
});

t.test('operations of one changer run one after the other', async (t) => {
  const dir = tempDir(t);
  const log = join(dir, 'log');
  const options = {
    config: parseChangerConfig(`Move Slot To Drive Command: echo start %n >> ${log}; sleep 0.1; echo end %n >> ${log}\nEmpty Slots Command: echo\n`, 'q.conf'),
    changer: '/dev/sg3',
    streamers: ['/dev/nst0', '/dev/nst1', '/dev/nst2'],
    layout: { slots: 3, loadports: 0, drives: 3 },
  };
  const c = new CommandChanger(options);
  await Promise.all([c.move(slot(1), drive(0)), c.move(slot(2), drive(1)), c.move(slot(3), drive(2))]);
  t.same(readFileSync(log, 'utf8').trim().split('\n'), ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  const other = new CommandChanger(options);
  await Promise.all([c.move(slot(1), drive(0)), other.move(slot(2), drive(1))]);
  t.same(readFileSync(log, 'utf8').trim().split('\n').slice(6), ['start 1', 'end 1', 'start 2', 'end 2'], 'two objects on one changer share its lock file');
  t.ok(existsSync(join(root, 'lock')), 'the lock lives in TAPECOORD_LOCK_DIR');
});
