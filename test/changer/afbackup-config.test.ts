// afbackup's changer configuration: our fixture files in its format (mtx, chio, stc, mover, a
// pretend changer, loose names) parse as afbackup reads them, loose parameter names normalise,
// bad lines are named by file and line, and the list commands' output parses (numbers and
// ranges, tape labels) or fails naming command and line.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  normaliseParameterName,
  parseChangerConfig,
  parseNumberList,
  parseTapeLabels,
  readChangerConfig,
  type ChangerCommand,
  type ChangerCommandKey,
} from '../../lib/changer/afbackup-config.js';
import { tempDir } from '../helpers/tmp.js';
import { CHANGER_CONFIGS, configFileName, fixtureConfig, type ChangerConfigName } from './fixtures/afbackup-configs.js';

/** The line of `text` that starts with `prefix`, from 1. */
function lineOf(text: string, prefix: string): number {
  return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

t.test('the fixture files parse: the commands they leave active, with their names and lines', async (t) => {
  const expected: Record<ChangerConfigName, ChangerCommandKey[]> = {
    'mtx-basic': ['move-drive-to-slot', 'move-slot-to-drive', 'list-empty-slots'],
    'mtx-style': [
      'move-slot-to-drive',
      'move-drive-to-slot',
      'list-empty-slots',
      'list-empty-loadports',
      'list-tape-labels',
      'list-tape-labels-in-drives',
      'list-tape-labels-in-slots',
      'list-tape-labels-in-loadports',
    ],
    'chio-style': ['move-slot-to-drive', 'move-drive-to-slot', 'list-empty-slots'],
    'stc-style': ['move-drive-to-slot', 'move-slot-to-drive', 'list-empty-slots'],
    'echo-test': ['move-drive-to-slot', 'move-loadport-to-slot', 'move-slot-to-loadport', 'move-slot-to-drive', 'move-drive-to-loadport', 'list-empty-slots'],
    'mover-style': ['move-drive-to-slot', 'move-slot-to-drive', 'move-slot-to-slot', 'list-empty-slots'],
    'loose-names': [
      'move-slot-to-drive',
      'move-drive-to-slot',
      'move-slot-to-slot',
      'move-loadport-to-slot',
      'move-slot-to-loadport',
      'list-empty-slots',
      'list-empty-loadports',
      'list-tape-labels-in-drives',
      'list-tape-labels-in-slots',
      'list-tape-labels-in-loadports',
    ],
  };
  for (const name of Object.keys(CHANGER_CONFIGS) as ChangerConfigName[]) {
    const c = fixtureConfig(name);
    t.same([...c.commands.keys()], expected[name], name);
    t.equal(c.file, configFileName(name));
    for (const command of c.commands.values()) {
      t.equal(lineOf(CHANGER_CONFIGS[name], `${command.name}:`), command.line, `${name}: '${command.name}' is named at its line`);
    }
  }
  /** The whole command `key` of fixture `config`: its file and the line its name stands on. */
  const command = (config: ChangerConfigName, key: ChangerCommandKey, name: string, template: string, what = `${config}: ${name}`) =>
    t.same(fixtureConfig(config).commands.get(key), { key, name, template, file: configFileName(config), line: lineOf(CHANGER_CONFIGS[config], `${name}:`) }, what);
  command('mtx-style', 'move-slot-to-drive', 'Move Slot To Drive Command', 'mtx -f %D load %n %M');
  command('mtx-basic', 'move-drive-to-slot', 'Move Drive To Slot Command', 'mtx -f %D unload %N %m');
  command('echo-test', 'list-empty-slots', 'Empty Slots Command', 'echo " "');
  command('echo-test', 'move-drive-to-slot', 'Move Drive To Slot Cmd', 'echo "drive %n [%m] -> slot %N [%M]"');
  command('stc-style', 'move-drive-to-slot', 'Move Drive To Slot Command', 'mt -f %d offline 2>/dev/null;     stc -f %D unload %m %M', 'a continuation line joins the command it goes on');
  const mtx = fixtureConfig('mtx-style');
  t.match(mtx.commands.get('list-empty-slots'), { name: 'ListEmpty Slots Command', template: /^mtx -f %D status \| grep .* \| sed '.*'$/ });
  t.match(mtx.commands.get('list-tape-labels-in-drives'), { name: 'ListTapeLabels-inDrives Command', template: /^mtx -f %D status \| grep / });
  t.match(mtx.commands.get('list-tape-labels-in-loadports'), { name: 'Tape Labels In Loadports Cmd' });
  t.match(mtx.commands.get('list-tape-labels'), { name: 'ListTapeLabels Command', template: /^mtx -f %D status \| awk '.*\{ print "slot", n, tag \}'$/ });
  t.notOk(mtx.commands.has('move-slot-to-loadport'), 'a commented-out move is no command');
  t.equal(fixtureConfig('mtx-basic').commands.get('list-empty-slots')!.name, 'ListEmpty Slots Command');
  t.equal(fixtureConfig('chio-style').commands.get('list-empty-slots')!.name, 'List Empty Slots Cmd');
  t.notOk(fixtureConfig('stc-style').commands.has('move-drive-to-drive'), 'a commented-out line ending in a backslash does not take the next comment in');
  const mover = fixtureConfig('mover-style');
  t.match(mover.commands.get('move-slot-to-drive')!.template, /^mover load %m && sh -c 'tries=0; .*echo mover-style: drive not ready >&2; .* done'$/, 'a colon in the command stays in it');
  t.same(
    [...fixtureConfig('loose-names').commands.values()].map((c) => c.name),
    ['Move-Slot-To-Drive-Command', 'Move Drive To Slot Cmd', 'move_slot_to_slot_command', 'Move Load Bay To Slot Command', 'MOVE SLOT TO LOAD-BAY CMD', 'Free Slots Command', 'Free Load Bays Command', 'ListTapeLabels-inDrives Command', 'List-Tapelabels-in-Slots-Command', 'Tape Labels Load Bays Cmd'],
    'each command keeps the name as the file spells it',
  );
});

t.test('parameter names: every spelling afbackup accepts, and nothing else', async (t) => {
  const names: [string, ChangerCommandKey | null][] = [
    ['Move Drive To Slot Command', 'move-drive-to-slot'],
    ['Move-Slot-To-Drive-Command', 'move-slot-to-drive'],
    ['Move Slot To Drive Cmd', 'move-slot-to-drive'],
    ['move_loadport_to_drive_command', 'move-loadport-to-drive'],
    ['MOVE LOAD PORT TO LOAD-PORT CMD', 'move-loadport-to-loadport'],
    ['Move Load Bay To Slot Command', 'move-loadport-to-slot'],
    ['  Move Slot  To\tSlot Command ', 'move-slot-to-slot'],
    ['Move Drive To Drive Command', 'move-drive-to-drive'],
    ['ListEmpty Slots Command', 'list-empty-slots'],
    ['List-Empty-Slots-Command', 'list-empty-slots'],
    ['Empty Slots Command', 'list-empty-slots'],
    ['Free Slot Cmd', 'list-empty-slots'],
    ['List-Empty-Loadports-Command', 'list-empty-loadports'],
    ['ListEmpty Loadports Command', 'list-empty-loadports'],
    ['Free Load Bays Command', 'list-empty-loadports'],
    ['List-Tape-Labels-Command', 'list-tape-labels'],
    ['ListTapeLabels Command', 'list-tape-labels'],
    ['ListTapeLabels-inDrives Command', 'list-tape-labels-in-drives'],
    ['List-Tapelabels-in-Slots-Command', 'list-tape-labels-in-slots'],
    ['ListTapeLabels-InLoadports Command', 'list-tape-labels-in-loadports'],
    ['Tape Labels Drive Cmd', 'list-tape-labels-in-drives'],
    ['Move Slot To Drive', null],
    ['Move Slot To Robot Command', null],
    ['List Move Slot To Drive Command', null],
    ['Eject Command', null],
    ['List Tape Labels In Command', null],
    ['Tape Label Command', null],
    ['Empty Drives Command', null],
  ];
  for (const [name, key] of names) t.equal(normaliseParameterName(name), key, name);
});

t.test('bad lines are named by file and line', async (t) => {
  const bad = (text: string, message: RegExp, what: string) => t.throws(() => parseChangerConfig(text, '/etc/afbackup/changer.conf'), { name: 'ChangerError', code: 'config', device: '/etc/afbackup/changer.conf', message }, what);
  bad('# comment\n\nMove Slot To Robot Command: robot %n\n', /^\/etc\/afbackup\/changer\.conf: line 3: unknown parameter 'Move Slot To Robot Command' \(expected Move-<Slot\|Drive\|Loadport>-To-/, 'unknown parameter');
  bad('Move Slot To Drive Command: mtx load %n\n  mtx -f %D status\n', /line 2: expected 'Parameter Name: command', got 'mtx -f %D status'/, 'no colon');
  bad('Move-Slot-To-Drive-Command: a\n#\nmove slot to drive cmd: b\n', /line 3: 'move slot to drive cmd' repeats 'Move-Slot-To-Drive-Command' of line 1/, 'the same parameter twice');
  bad('Move Drive To Loadport Command:\t\n', /line 1: 'Move Drive To Loadport Command' has no command \(comment the line out/, 'no command');
});

t.test('continuation lines, CRLF, comments, reading a file', async (t) => {
  const c = parseChangerConfig(
    '# written on Windows\r\nMove Drive To Slot Command:\tmt -f %d offline && \\\r\n\t\tstc -f %D unload %m %M\r\n  # indented comment\r\nEmpty Slots Command: echo 1 # not a comment to the shell either\r\n',
    'c.conf',
  );
  t.same(c.commands.get('move-drive-to-slot'), {
    key: 'move-drive-to-slot',
    name: 'Move Drive To Slot Command',
    template: 'mt -f %d offline && \t\tstc -f %D unload %m %M',
    file: 'c.conf',
    line: 2,
  });
  t.same(c.commands.get('list-empty-slots')!.line, 5);
  t.equal(c.commands.get('list-empty-slots')!.template, 'echo 1 # not a comment to the shell either', 'a # after the name belongs to the command');
  t.equal(parseChangerConfig('', 'empty').commands.size, 0);

  const dir = tempDir(t);
  const file = join(dir, configFileName('mtx-style'));
  writeFileSync(file, CHANGER_CONFIGS['mtx-style']);
  const read = await readChangerConfig(file);
  t.equal(read.commands.size, 8);
  t.equal(read.file, file);
  t.same([...read.commands.values()].map((c) => c.line), [...fixtureConfig('mtx-style').commands.values()].map((c) => c.line), 'the lines as parsed from the text');
  await t.rejects(readChangerConfig(join(dir, 'missing.conf')), { code: 'config', message: /missing\.conf: cannot read the changer configuration: ENOENT/ });
});

const command: ChangerCommand = { key: 'list-empty-slots', name: 'ListEmpty Slots Command', template: 'x', file: 'changer.conf', line: 60 };
const out = (output: string, c: ChangerCommand = command) => ({ device: '/dev/sg3', command: c, output });

t.test('empty slot and loadport lists: numbers, several per line, ranges', async (t) => {
  t.same([...parseNumberList(out('7-9\n2 4\n10,11\n'), 'slot', 11)].sort((a, b) => a - b), [2, 4, 7, 8, 9, 10, 11], 'echo-test, commented out: echo 7-9; echo 2 4; echo 10,11');
  t.same([...parseNumberList(out(' \n'), 'slot', 11)], [], 'echo-test: echo " "');
  t.same([...parseNumberList(out(''), 'slot', 11)], []);
  t.same([...parseNumberList(out('3,5\t6\r\n3\n'), 'loadport', 6)], [3, 5, 6]);
  const bad = (output: string, max: number, message: RegExp) =>
    t.throws(() => parseNumberList(out(output), 'slot', max), { name: 'ChangerError', code: 'device-error', device: '/dev/sg3', message });
  bad('1\nStorage Element 2\n', 11, /^\/dev\/sg3: 'ListEmpty Slots Command' \(changer\.conf:60\) printed at line 2 'Storage Element 2': 'Storage' is not a slot number or range$/);
  bad('0 1\n', 11, /line 1 '0 1': '0' is not within slots 1-11 \(afbackup counts from 1\)/);
  bad('12\n', 11, /'12' is not within slots 1-11/);
  bad('9-12\n', 11, /'9-12' is not within slots 1-11/);
  bad('5-3\n', 11, /'5-3' is not within/);
  bad('1-\n', 11, /'1-' is not a slot number or range/);
  bad('-1\n', 11, /'-1' is not a slot number/);
  t.throws(() => parseNumberList(out('1'), 'loadport', 0), { message: /'1' is not a loadport of this changer \(it has none\)/ });
});

t.test('tape labels: one command for all types, or one per type', async (t) => {
  const labels: ChangerCommand = { ...command, key: 'list-tape-labels', name: 'ListTapeLabels Command' };
  const max = { slot: 29, drive: 2, loadport: 1 };
  t.same(parseTapeLabels(out('loadport 1 TC0102L7\nslot 5 TC0101L7\n\nDRIVE 1 TC0100L7\nSlot 7 label with blanks  \n', labels), max), [
    { type: 'loadport', number: 1, label: 'TC0102L7' },
    { type: 'slot', number: 5, label: 'TC0101L7' },
    { type: 'drive', number: 1, label: 'TC0100L7' },
    { type: 'slot', number: 7, label: 'label with blanks' },
  ]);
  const drives: ChangerCommand = { ...command, key: 'list-tape-labels-in-drives', name: 'ListTapeLabels-inDrives Command' };
  t.same(parseTapeLabels(out('2 TC0100L7\n', drives), max, 'drive'), [{ type: 'drive', number: 2, label: 'TC0100L7' }]);
  const bad = (output: string, message: RegExp, type?: 'drive') =>
    t.throws(() => parseTapeLabels(out(output, type ? drives : labels), max, type), { code: 'device-error', message });
  bad('slot 5 A\nshelf 3 B\n', /'ListTapeLabels Command' \(changer\.conf:60\) printed at line 2 'shelf 3 B': 'shelf' is not slot, drive or loadport/);
  bad('slot 5\n', /line 1 'slot 5': expected 'slot\|drive\|loadport <number> <label>'/);
  bad('slot five A\n', /expected 'slot\|drive\|loadport <number> <label>'/);
  bad('drive 0 A\n', /drive 0 is not within drives 1-2 \(afbackup counts from 1\)/);
  bad('slot 30 A\n', /slot 30 is not within slots 1-29/);
  bad('loadport 2 A\n', /loadport 2 is not within loadports 1-1/);
  bad('drive 1 A\n', /'ListTapeLabels-inDrives Command' .* line 1 'drive 1 A': expected '<drive number> <label>'/, 'drive');
  bad('3 A\n', /drive 3 is not within drives 1-2/, 'drive');
});
