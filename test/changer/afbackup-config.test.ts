// afbackup's changer configuration: the six files afbackup 3.5.8 ships parse as afbackup reads
// them, loose parameter names normalise, bad lines are named by file and line, and the list
// commands' output parses (numbers and ranges, tape labels) or fails naming command and line.
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

/** The changer configurations of afbackup 3.5.8 (GPL), verbatim: they are what sites have. */
const AFBACKUP: Record<string, string> = {
  'changer.conf': `################### Start of $RCSfile: changer.conf,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf,v $
# $Id: changer.conf,v 1.2 2004/07/08 20:34:48 alb Exp alb $
# $Date: 2004/07/08 20:34:48 $
# $Author: alb $
#
#
####### description ################################################
#
#
#
####################################################################
#
# Replacements in the commands:
#
# pattern  replaced with
#
# %d       streamer device filename
# %D       changer device filename
# %n       the origin number, if counting starts with 1
# %m       the origin number, if counting starts with 0
# %N       the target number, if conuting starts with 1
# %M       the target number, if counting starts with 0
#
# Commands to move cartridges
# (moves, that are not supported, should be commented out)
#
Move Drive To Slot Command:\tmtx -f %D unload %N %m >/dev/null

Move Slot To Drive Command:\tmtx -f %D load %n %M >/dev/null

#Move Drive To Loadport Command:\t

#Move Loadport To Drive Command:\t

#Move Slot To Loadport Command:\t

#Move Loadport To Slot Command:\t

#Move Drive To Drive Command:\t

#Move Slot To Slot Command:\tmtx -f %D transfer %n %N

#Move Loadport To Loadport Command:\t

#
# Commands to find free resources
#
ListEmpty Slots Command:\tmtx -f %D status | grep '^[ \t]*Storage Element [0-9]*:.*Empty$' | awk '{print $3}' | sed 's/:.*$//g'

#ListEmpty Loadports Command:\t
`,
  'changer.conf.mtx': `################### Start of $RCSfile: changer.conf.mtx,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf.mtx,v $
# $Id: changer.conf.mtx,v 1.3 2006/12/12 20:21:20 alb Exp alb $
# $Date: 2006/12/12 20:21:20 $
# $Author: alb $
#
#
####### description ################################################
#
#  Configuration file for media changer devices using the mtx command
#
####################################################################
#
# typical output of mtx status:
#
# Storage Changer /dev/sg2:1 Drives, 30 Slots ( 1 Import/Export )
# Data Transfer Element 0:  Full (Storage Element 1 Loaded):VolumeTag = AES540L3 
# Storage Element 1:      Empty
# Storage Element 2:      Full   
# Storage Element 3:      Full
# Storage Element 4:      Full
# Storage Element 5:      Full :VolumeTag=AES541L3
# Storage Element 6:      Full
# ...
# Storage Element 30 IMPORT/EXPORT:Full :VolumeTag=AES542L3                 
#
# typical output of mtx inquiry
#
# Vendor ID: 'HP      ', Product ID: 'C1557A          ', Revision: 'U812'
#

#
# Replacements in the commands:
#
# pattern  replaced with
#
# %d       streamer device filename
# %D       changer device filename
# %n       the origin number, if counting starts with 1
# %m       the origin number, if counting starts with 0
# %N       the target number, if conuting starts with 1
# %M       the target number, if counting starts with 0
#
# Commands to move cartridges
# (moves, that are not supported, should be commented out)
#
Move Drive To Slot Command:\tmtx -f %D unload %N %m >/dev/null

Move Slot To Drive Command:\tmtx -f %D load %n %M >/dev/null

#Move Drive To Loadport Command:\tmtx -f %D unload 30 %m >/dev/null

#Move Loadport To Drive Command:\tmtx -f %D load 30 %M >/dev/null

#Move Slot To Loadport Command:\tmtx -f %D transfer %n 30 >/dev/null

#Move Loadport To Slot Command:\tmtx -f %D transfer 30 %N >/dev/null

#Move Drive To Drive Command:\t

#Move Slot To Slot Command:\tmtx -f %D transfer %n %N >/dev/null

#Move Loadport To Loadport Command:\t

#
# Commands to find free resources
#
ListEmpty Slots Command:\tmtx -f %D status | grep '^[ \t]*Storage Element [0-9][0-9]*:[ \t]*Empty$' | awk '{print $3}' | sed 's/:.*$//g'

ListEmpty Loadports Command:\tmtx -f %D status | grep '^[ \t]*Storage Element [0-9][0-9]* IMPORT/EXPORT:[ \t]*Empty' | awk '{print $3 - 29}'

# Either use this one to extract the locations of the tapes:
ListTapeLabels Command:\tMTX=\`mtx -f %D status | grep ':[ \t]*VolumeTag[ \t]*='\` ; echo "$MTX" | grep '^[ \t]*Storage Element [0-9][0-9]* IMPORT/EXPORT:' | sed 's/^[ \t]*Storage Element[ \t]*/loadport /g; s%[ \t]*IMPORT/EXPORT.*VolumeTag[ \t]*=[ \t]*% %g; s/[ \t]*$//g' | awk '{print $1, $2 - 29, $3}' ; echo "$MTX" | grep '^[ \t]*Storage Element [0-9][0-9]*:' | sed 's/^[ \t]*Storage Element[ \t]*/slot /g; s/[^0-9]*:.*VolumeTag[ \t]*=[ \t]*/ /g; s/[ \t]*$//g' ; echo "$MTX" | grep '^[ \t]*Data Transfer Element' | sed 's/^[ \t]*Data Transfer Element[ \t]*/drive /g; s/[^0-9]*:.*VolumeTag[ \t]*=[ \t]*/ /g; s/[ \t]*$//g' | awk '{print $1, $2 + 1, $3}'

# ... or configure those 3:
ListTapeLabels-inDrives Command:\tmtx -f %D status | grep '^[ \t]*Data Transfer Element.*:[ \t]*VolumeTag[ \t]*=' | sed 's/^[ \t]*Data Transfer Element[ \t]*//g; s/[^0-9]*:.*VolumeTag[ \t]*=[ \t]*/ /g; s/[ \t]*$//g' | awk '{print $1 + 1, $2}'
ListTapeLabels-InSlots Command:\tmtx -f %D status | grep '^[ \t]*Storage Element [0-9][0-9]*:.*:[ \t]*VolumeTag[ \t]*=' | sed 's/^[ \t]*Storage Element[ \t]*//g; s/[^0-9]*:.*VolumeTag[ \t]*=[ \t]*/ /g; s/[ \t]*$//g'
ListTapeLabels-InLoadports Command:\tmtx -f %D status | grep '^[ \t]*Storage Element [0-9][0-9]* IMPORT/EXPORT:.*:[ \t]*VolumeTag[ \t]*=' | sed 's/^[ \t]*Storage Element[ \t]*//g; s%[ \t]*IMPORT/EXPORT.*VolumeTag[ \t]*=[ \t]*% %g; s/[ \t]*$//g' | awk '{print $1 - 29, $2}'
`,
  'changer.conf.chio': `################### Start of $RCSfile: changer.conf.chio,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf.chio,v $
# $Id: changer.conf.chio,v 1.2 2004/07/08 20:34:48 alb Exp alb $
# $Date: 2004/07/08 20:34:48 $
# $Author: alb $
#
#
####### description ################################################
#
#  Configuration file for media changer devices using the chio command
#
####################################################################
#
# Contributed by: Oliver Hartmann, Johannes Gutenberg Universitaet Mainz
#   The full path to the chio command is required,
#   if not in a standard place
#
# Replacements in the commands:
#
# pattern  replaced with
#
# %d       streamer device filename
# %D       changer device filename
# %n       the origin number, if counting starts with 1
# %m       the origin number, if counting starts with 0
# %N       the target number, if conuting starts with 1
# %M       the target number, if counting starts with 0
#
# Commands to move cartridges
# (moves, that are not supported, should be commented out)
#
Move Drive To Slot Command:\tchio -f %D move drive %m slot %M

Move Slot To Drive Command:\tchio -f %D move slot %m drive %M

#Move Drive To Loadport Command:\t

#Move Loadport To Drive Command:\t

#Move Slot To Loadport Command:\t

#Move Loadport To Slot Command:\t

#Move Drive To Drive Command:\t

#Move Slot To Slot Command:\t

#Move Loadport To Loadport Command:\t

#
# Commands to find free resources
#
ListEmpty Slots Command:\tchio -f %D status | grep '^slot [0-9]*: *<ACCESS>$' | awk '{print $2}' | sed 's/:*$//g' | awk '{print $1 + 1}'
#ListEmpty Loadports Command:\t
`,
  'changer.conf.stctl': `################### Start of $RCSfile: changer.conf.stctl,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf.stctl,v $
# $Id: changer.conf.stctl,v 1.2 2004/07/08 20:34:48 alb Exp alb $
# $Date: 2004/07/08 20:34:48 $
# $Author: alb $
#
#
####### description ################################################
#
#  Configuration file for media changer devices using the stc driver
#
####################################################################
#
# typical output of stc -v status:
# numdrives=1 numtransports=1 numloadbays=0 numslots=5
#      drive=0         volume=0
#      transport=0     volume=empty
#      slot=0          status=mounted in drive 0
#      slot=1          status=yes
#      slot=2          status=yes
#      slot=3          status=yes
#      slot=4          status=yes
#

#
# Replacements in the commands:
#
# pattern  replaced with
#
# %d       streamer device filename
# %D       changer device filename
# %n       the origin number, if counting starts with 1
# %m       the origin number, if counting starts with 0
# %N       the target number, if conuting starts with 1
# %M       the target number, if counting starts with 0
#
# Commands to move cartridges
# (moves, that are not supported, should be commented out)
#
#Move Drive To Slot Command:\tmt -f %d rewoffl >/dev/null 2>&1; \\
#\t\t\t\tstc -f %D unload %m %M
Move Drive To Slot Command:\tstc -f %D unload %m %M

Move Slot To Drive Command:\tstc -f %D load %m %M

#Move Drive To Loadport Command:\tmt -f %d rewoffl >/dev/null 2>&1; \\
#\t\t\t\t\tstc -f %D unload %m %M
#Move Drive To Loadport Command:\tstc -f %D unload %m %M

#Move Loadport To Drive Command:\tstc -f %D load l%m %M

#Move Slot To Loadport Command:\tstc -f %D move s%m l%M

#Move Loadport To Slot Command:\tstc -f %D move l%m s%M

#Move Drive To Drive Command:\tmt -f %d rewoffl >/dev/null 2>&1; \\
#\t\t\t\tstc -f %D unload %m %M
#Move Drive To Drive Command:\tstc -f %D unload %m %M

#Move Slot To Slot Command:\tstc -f %D move s%m s%M

#Move Loadport To Loadport Command:\tstc -f %D move l%m l%M

#
# Commands to find free resources
#
ListEmpty Slots Command:\tstc -v -f %D status | awk '$1 ~ /^slot=[0-9]/ && ($2 == "status=empty" || $2 ~ /^status=mounted/) {print substr($1,6) + 1}'

#ListEmpty Loadports Command:\t
`,
  'changer.conf.test': `################### Start of $RCSfile: changer.conf.test,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf.test,v $
# $Id: changer.conf.test,v 1.2 2004/07/08 20:34:48 alb Exp alb $
# $Date: 2004/07/08 20:34:48 $
# $Author: alb $
#
#
####### description ################################################
#
# Test configuration for pseudo-changer
#
####################################################################
#

Move Drive To Slot Cmd: echo "moving drive %n(%m) to slot %N(%M)"

Move Loadport To Slot Cmd: echo "moving loadport %n(%m) to slot %N(%M)"

Move Slot To Loadport Cmd: echo "moving slot %n(%m) to loadport %N(%M)"

Move Slot To Drive Cmd: echo "moving slot %n(%m) to Drive %N(%M)"

Move Drive To Loadport Cmd: echo "moving drive %n(%m) to loadport %N(%M)"

#Empty Slots Command:\techo 7; echo 2 4; echo 8-11
Empty Slots Command:   echo ' '

#Empty Loadports Command:\techo 3-4
`,
  'changer.conf.sch-mover': `################### Start of $RCSfile: changer.conf.sch-mover,v $ ##################
#
# $Source: /home/alb/afbackup/afbackup-3.5.8.12/RCS/changer.conf.sch-mover,v $
# $Id: changer.conf.sch-mover,v 1.2 2004/07/08 20:34:48 alb Exp alb $
# $Date: 2004/07/08 20:34:48 $
# $Author: alb $
#
#
####### description ################################################
#
#  Configuration file for media changer devices using the mover command
#
####################################################################
#
# Contributed by: Johann Pfefferl at Agfa, Munich
#   The full path to the mover command is required,
#   if not in a standard place
#
# See http://www.in-berlin.de/User/kraxel/linux.html for more
# information about the mover command and the sch changer driver
#
# Typical output of mover as reported by Dirk Wallmeier:
# /dev/sch0: mt=1 st=15 ie=0 dt=1
# medium transport
# 0:
# storage
# 0: access full (no volume tag)
# 1: access full (no volume tag)
# 2: access full (no volume tag)
# 3: access full (no volume tag)
# 4: access full (no volume tag)
# 5: access full (no volume tag)
# 6: access full (no volume tag)
# 7: access full (no volume tag)
# 8: access full (no volume tag)
# 9: access full (no volume tag)
# 10: access full (no volume tag)
# 11: access full (no volume tag)
# 12: access full (no volume tag)
# 13: access full (no volume tag)
# 14: access
# import/export
# data transfer
# 0: access
#
# Replacements in the commands:
#
# pattern  replaced with
#
# %d       streamer device filename
# %D       changer device filename
# %n       the origin number, if counting starts with 1
# %m       the origin number, if counting starts with 0
# %N       the target number, if conuting starts with 1
# %M       the target number, if counting starts with 0
#
# Commands to move cartridges
# (moves, that are not supported, should be commented out)
#
Move Drive To Slot Command:\tmt -f %d rewoffl  && mover unload %M

Move Slot To Drive Command:\tmover load %m && sh -c 'i=0; while true ; do mt -f %d status; if [ $? -ne 0 ] ; then if [ $i -gt 10 ] ; then exit 1 ; fi ; sleep 10; i=\`expr $i + 1\` ; else exit 0 ; fi ; done'

#Move Drive To Loadport Command:\t

#Move Loadport To Drive Command:\t

#Move Slot To Loadport Command:\t

#Move Loadport To Slot Command:\t

#Move Drive To Drive Command:\t

Move Slot To Slot Command:\tmover mv s%m s%M

#Move Loadport To Loadport Command:\t

#
# Commands to find free resources
#
ListEmpty Slots Command:\tmover | sed '/data transfer/,$ d' | sed '/import.*export/,$ d' | awk 'BEGIN{st_found=0}{ if(! st_found){ if($1 == "storage") st_found = 1 } else { if(($2 == "access") && ($3 != "full")){print $1 + 1; } }}'
# Note:
# The version of Johann Pfefferl lacks the sed-s and the test for
# "full" in the 3rd field, but according to Mr. Wallmeier they are
# necessary
#
#ListEmpty Loadports Command:\t
`,
};

/** The line of `text` that starts with `prefix`, from 1. */
function lineOf(text: string, prefix: string): number {
  return text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1;
}

t.test("afbackup's own files parse: the commands they leave active, with their lines", async (t) => {
  const expected: Record<string, ChangerCommandKey[]> = {
    'changer.conf': ['move-drive-to-slot', 'move-slot-to-drive', 'list-empty-slots'],
    'changer.conf.mtx': [
      'move-drive-to-slot',
      'move-slot-to-drive',
      'list-empty-slots',
      'list-empty-loadports',
      'list-tape-labels',
      'list-tape-labels-in-drives',
      'list-tape-labels-in-slots',
      'list-tape-labels-in-loadports',
    ],
    'changer.conf.chio': ['move-drive-to-slot', 'move-slot-to-drive', 'list-empty-slots'],
    'changer.conf.stctl': ['move-drive-to-slot', 'move-slot-to-drive', 'list-empty-slots'],
    'changer.conf.test': ['move-drive-to-slot', 'move-loadport-to-slot', 'move-slot-to-loadport', 'move-slot-to-drive', 'move-drive-to-loadport', 'list-empty-slots'],
    'changer.conf.sch-mover': ['move-drive-to-slot', 'move-slot-to-drive', 'move-slot-to-slot', 'list-empty-slots'],
  };
  for (const [file, text] of Object.entries(AFBACKUP)) {
    const c = parseChangerConfig(text, file);
    t.same([...c.commands.keys()], expected[file], file);
    t.equal(c.file, file);
  }
  const mtx = parseChangerConfig(AFBACKUP['changer.conf.mtx']!, 'changer.conf.mtx');
  t.same(mtx.commands.get('move-slot-to-drive'), {
    key: 'move-slot-to-drive',
    name: 'Move Slot To Drive Command',
    template: 'mtx -f %D load %n %M >/dev/null',
    file: 'changer.conf.mtx',
    line: lineOf(AFBACKUP['changer.conf.mtx']!, 'Move Slot To Drive Command:'),
  });
  t.match(mtx.commands.get('list-tape-labels-in-drives'), { name: 'ListTapeLabels-inDrives Command', template: /^mtx -f %D status \| grep / });
  t.match(mtx.commands.get('list-tape-labels'), { template: /^MTX=`mtx -f %D status .*awk '\{print \$1, \$2 \+ 1, \$3\}'$/ });
  const test = parseChangerConfig(AFBACKUP['changer.conf.test']!, 'changer.conf.test');
  t.same(test.commands.get('list-empty-slots'), { key: 'list-empty-slots', name: 'Empty Slots Command', template: "echo ' '", file: 'changer.conf.test', line: lineOf(AFBACKUP['changer.conf.test']!, 'Empty Slots Command:') });
  t.equal(test.commands.get('move-drive-to-slot')!.template, 'echo "moving drive %n(%m) to slot %N(%M)"');
  const mover = parseChangerConfig(AFBACKUP['changer.conf.sch-mover']!, 'changer.conf.sch-mover');
  t.match(mover.commands.get('move-slot-to-drive')!.template, /^mover load %m && sh -c 'i=0; .* done'$/, 'a colon in the command stays in it');
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
    '# stctl style\r\nMove Drive To Slot Command:\tmt -f %d rewoffl >/dev/null 2>&1; \\\r\n\t\t\t\tstc -f %D unload %m %M\r\n  # indented comment\r\nEmpty Slots Command: echo 1 # not a comment to the shell either\r\n',
    'c.conf',
  );
  t.same(c.commands.get('move-drive-to-slot'), {
    key: 'move-drive-to-slot',
    name: 'Move Drive To Slot Command',
    template: 'mt -f %d rewoffl >/dev/null 2>&1; \t\t\t\tstc -f %D unload %m %M',
    file: 'c.conf',
    line: 2,
  });
  t.same(c.commands.get('list-empty-slots')!.line, 5);
  t.equal(c.commands.get('list-empty-slots')!.template, 'echo 1 # not a comment to the shell either', 'a # after the name belongs to the command');
  t.equal(parseChangerConfig('', 'empty').commands.size, 0);

  const dir = tempDir(t);
  const file = join(dir, 'changer.conf.mtx');
  writeFileSync(file, AFBACKUP['changer.conf.mtx']!);
  t.equal((await readChangerConfig(file)).commands.size, 8);
  await t.rejects(readChangerConfig(join(dir, 'missing.conf')), { code: 'config', message: /missing\.conf: cannot read the changer configuration: ENOENT/ });
});

const command: ChangerCommand = { key: 'list-empty-slots', name: 'ListEmpty Slots Command', template: 'x', file: 'changer.conf', line: 60 };
const out = (output: string, c: ChangerCommand = command) => ({ device: '/dev/sg3', command: c, output });

t.test('empty slot and loadport lists: numbers, several per line, ranges', async (t) => {
  t.same([...parseNumberList(out('7\n2 4\n8-11\n'), 'slot', 11)].sort((a, b) => a - b), [2, 4, 7, 8, 9, 10, 11], 'changer.conf.test: echo 7; echo 2 4; echo 8-11');
  t.same([...parseNumberList(out(' \n'), 'slot', 11)], [], "changer.conf.test: echo ' '");
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
  t.same(parseTapeLabels(out('loadport 1 AES542L3\nslot 5 AES541L3\n\nDRIVE 1 AES540L3\nSlot 7 label with blanks  \n', labels), max), [
    { type: 'loadport', number: 1, label: 'AES542L3' },
    { type: 'slot', number: 5, label: 'AES541L3' },
    { type: 'drive', number: 1, label: 'AES540L3' },
    { type: 'slot', number: 7, label: 'label with blanks' },
  ]);
  const drives: ChangerCommand = { ...command, key: 'list-tape-labels-in-drives', name: 'ListTapeLabels-inDrives Command' };
  t.same(parseTapeLabels(out('2 AES540L3\n', drives), max, 'drive'), [{ type: 'drive', number: 2, label: 'AES540L3' }]);
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
