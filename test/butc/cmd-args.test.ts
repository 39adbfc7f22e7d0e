// butc's command line under OpenAFS cmd rules (BUTC-SPEC §1.1). Expected texts and exit statuses were
// checked against the real Debian butc 1.8.9 (run with argv[0] = /usr/sbin/butc).
import t from 'tap';
import { butcUsage, parseButcArgs, type ButcArgs } from '../../lib/butc/cmd-args.js';

const A0 = '/usr/sbin/butc';
const run = (line: string) => parseButcArgs(line === '' ? [] : line.split(' '), A0);

function args(line: string): ButcArgs {
  const r = run(line);
  if (r.kind !== 'run') throw new Error(`${line}: ${r.stderr}`);
  return r.args;
}

t.test('prefixes and exact names', async (t) => {
  t.match(args('-p 1'), { port: '1' });
  t.match(args('-port 1'), { port: '1' });
  t.match(args('-d 2'), { debuglevel: '2' }, '-d is -debuglevel: the hidden -device does not compete');
  t.match(args('-de 3'), { debuglevel: '3' });
  t.match(args('-l -al'), { localauth: true, allowUnauthenticated: true });
  t.match(args('-auditl /a -audit-i file'), { auditlog: '/a', auditInterface: 'file' });
  t.match(args('-r -n -c cc'), { rxbind: true, noautoquery: true, cell: 'cc' });
  t.match(args('-device /dev/nst0 -restoretofile /r -xbsaforcemultiple'), { device: '/dev/nst0', restoretofile: '/r', xbsaforcemultiple: true });
  t.match(args('--port 5'), { port: '5' }, '--name is -name');
  t.match(args('-port=7'), { port: '7' }, '-name=value');
  t.match(args('-port -5'), { port: '-5' }, '-<digit> is a value');
  t.same(args(''), { port: '0', debuglevel: '0', noautoquery: false, localauth: false, xbsaforcemultiple: false, rxbind: false, allowUnauthenticated: false }, 'no arguments: -port 0 -debuglevel 0');
});

t.test('positional values fill the value options in table order, skipping flags and hidden options', async (t) => {
  t.match(args('1 2'), { port: '1', debuglevel: '2' });
  t.match(args('-localauth 1'), { port: '1', localauth: true }, 'a flag does not end positional mode');
  t.match(args('1 2 c x y'), { port: '1', debuglevel: '2', cell: 'c', auditlog: 'x', auditInterface: 'y', device: undefined });
});

t.test('errors: cmd messages and exit statuses', async (t) => {
  const cases: [string, number, string][] = [
    ['-x', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-x'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-a', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-a'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['--p 1', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '--p'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-dev /x', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-dev'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-port=1=2', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-port=1=2'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-x -help', 6, "/usr/sbin/butc: Unrecognized or ambiguous switch '-x'; type '/usr/sbin/butc -help' for detailed help\n"],
    ['-port', 8, "/usr/sbin/butc:  The field '-port' isn't completed properly\n"],
    ['-device', 8, "/usr/sbin/butc:  The field '-device' isn't completed properly\n"],
    ['-port 1 -cell x y', 2, '/usr/sbin/butc: Too many values after switch -cell\n'],
    ['-cell c 2', 2, '/usr/sbin/butc: Too many values after switch -cell\n'],
    ['-port 1 -port 2', 2, '/usr/sbin/butc: Too many values after switch -port\n'],
    ['1 2 c x y z', 2, '/usr/sbin/butc: Too many values after switch -audit-interface\n'],
    ['-localauth=1', 3, "/usr/sbin/butc: Switch '-localauth' doesn't take an argument\n"],
  ];
  for (const [line, exitCode, stderr] of cases) t.same(run(line), { kind: 'exit', exitCode, stdout: '', stderr }, line);
  const r = parseButcArgs(['-x'], '');
  t.match(r, { stderr: "Unrecognized or ambiguous switch '-x'; type ' -help' for detailed help\n" }, 'empty argv[0]: no prefix');
});

t.test('-help: usage and flag help on stdout, exit 0, after the whole line parsed', async (t) => {
  const usage =
    'Usage: /usr/sbin/butc [-port <port offset>] [-debuglevel <0 | 1 | 2>]\n' +
    '         [-cell <cell name>] [-noautoquery] [-localauth] [-rxbind]\n' +
    '         [-auditlog <location of audit log>]\n' +
    '         [-audit-interface <interface to use for audit logging>]\n' +
    '         [-allow_unauthenticated] [-help]\n' +
    'Where: -noautoquery            do not query operator for first tape\n' +
    '       -localauth              create tickets from KeyFile\n' +
    '       -rxbind                 bind Rx socket\n' +
    '       -allow_unauthenticated  allow unauthenticated inbound RPCs (requires firewalling)\n';
  t.equal(butcUsage(A0), usage);
  t.same(run('-help'), { kind: 'exit', exitCode: 0, stdout: usage, stderr: '' });
  t.same(run('-h'), { kind: 'exit', exitCode: 0, stdout: usage, stderr: '' });
  t.same(run('-help -port'), { kind: 'exit', exitCode: 0, stdout: usage, stderr: '' }, 'help wins over a missing value');
  t.equal(butcUsage('butc').split('\n')[0], 'Usage: butc [-port <port offset>] [-debuglevel <0 | 1 | 2>]');
  t.same(
    butcUsage('/a/very/long/path/to/the/butc/binary/butc').split('\n').slice(0, 4),
    [
      'Usage: /a/very/long/path/to/the/butc/binary/butc [-port <port offset>]',
      '         [-debuglevel <0 | 1 | 2>] [-cell <cell name>] [-noautoquery]',
      '         [-localauth] [-rxbind] [-auditlog <location of audit log>]',
      '         [-audit-interface <interface to use for audit logging>]',
    ],
    'wrapping follows the length of argv[0] (as the real butc wraps it)',
  );
});

t.test('an embedded value for an option that already has one: message, parsing goes on', async (t) => {
  const r = run('-port 1 -port=2');
  t.match(r, { kind: 'run', args: { port: '1' }, stderr: '/usr/sbin/butc: Too many values after switch -port\n' });
});
