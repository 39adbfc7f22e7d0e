// `tapecoord restore --plan` run in-process: the human table, the JSON, the exit status, the refusals.
import t from 'tap';
import { parseTime, restoreCommand } from '../../lib/cli/restore.js';
import { setCartridgeLocation } from '../../lib/catalog/locations.js';
import type { RestorePlan } from '../../lib/planner/restore-plan.js';
import { addDump, openCatalog } from './fixture.js';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; exitCode: number | undefined }> {
  const write = process.stdout.write;
  const saved = { exitCode: process.exitCode, env: { ...process.env } };
  let stdout = '';
  process.stdout.write = ((chunk: string) => {
    stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.exitCode = undefined;
  Object.assign(process.env, env);
  try {
    await restoreCommand().exitOverride().parseAsync(args, { from: 'user' });
    return { stdout, exitCode: process.exitCode as number | undefined };
  } finally {
    process.stdout.write = write;
    process.exitCode = saved.exitCode;
    for (const k of Object.keys(env)) if (saved.env[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved.env);
  }
}

t.test('the plan as a table and as JSON, from --catalog or $TAPECOORD_CATALOG', async (t) => {
  const cat = openCatalog(t);
  addDump(cat, { id: 7, created: 1_763_600_000, volumes: { 'user.ann': [[3, 2, 4096, 17], [4, 1, 100, 0]], 'user.bob': [[4, 2, 50]] } });
  addDump(cat, { id: 8, parent: 7, created: 1_763_700_000, volumes: { 'user.ann': [[5, 1, 10]] } });
  setCartridgeLocation(cat, 4, { changer: '/dev/sch0', kind: 'drive', number: 1 });
  setCartridgeLocation(cat, 3, { place: 'safe' });
  cat.close();

  let r = await run(['--plan', '--pattern', 'user.*', '--catalog', cat.path]);
  t.equal(r.exitCode, undefined);
  t.equal(
    r.stdout,
    [
      'restore plan: 2 volumes, 4 fragments, 4256 bytes on 3 cartridges',
      '',
      '1. cartridge 4 (drive: in /dev/sch0 drive 1), 2 fragments, 150 bytes',
      '     file      block          bytes        dump frag  volume',
      '        1          0            100           7    2  user.ann  (spool: follows data read later)',
      '        2          -             50           7    1  user.bob',
      '',
      "2. cartridge 3 (outside: at 'safe'), 1 fragments, 4096 bytes",
      '     file      block          bytes        dump frag  volume',
      '        2         17           4096           7    1  user.ann',
      '',
      '3. cartridge 5 (unknown: location unknown), 1 fragments, 10 bytes',
      '     file      block          bytes        dump frag  volume',
      '        1          -             10           8    1  user.ann',
      '',
      '1 volumes have data read before what it follows; it is spooled until then',
      '',
    ].join('\n'),
  );

  r = await run(['--plan', '--json', '--name', 'user.bob', '--name', 'nobody', '--at', '2025-11-20T00:00:00Z'], { TAPECOORD_CATALOG: cat.path });
  t.equal(r.exitCode, 1, 'a selector chose nothing');
  const plan = JSON.parse(r.stdout) as RestorePlan;
  t.equal(plan.at, 1_763_596_800);
  t.same(plan.unmatched, ['--name nobody']);
  t.same(plan.missing.map((m) => m.reason), ['no-dump'], 'user.bob was dumped after that time');
  t.same(plan.cartridges, []);

  r = await run(['--plan', '--json', '--regex', 'bob$', '--at', '1763600000', '--catalog', cat.path]);
  t.equal(r.exitCode, undefined);
  t.same(JSON.parse(r.stdout), {
    at: 1_763_600_000,
    cartridges: [
      {
        cartridge: 4,
        placement: 'drive',
        location: { changer: '/dev/sch0', kind: 'drive', number: 1 },
        device: null,
        bytes: 50,
        reads: [{ volume: 'user.bob', dump: 7, fragment: 1, position: 2, block: null, bytes: 50, spool: false }],
      },
    ],
    volumes: [{ volume: 'user.bob', chain: [{ dump: 7, level: 0, created: 1_763_600_000 }], fragments: 1, bytes: 50, cartridges: [4], inOrder: true }],
    missing: [],
    unmatched: [],
  });
});

t.test('refusals: a pattern without --plan, no selector, a bad time', async (t) => {
  await t.rejects(run(['--pattern', 'x*']), /restore: name the dumps with --name \(patterns are for --plan\)/);
  await t.rejects(run(['--plan']), /choose volumes with --name, --pattern or --regex/);
  t.throws(() => parseTime('yesterday'), new RangeError("--at: 'yesterday' is neither Unix seconds nor a date (2026-11-20, 2026-11-20T18:00:00Z)"));
  t.equal(parseTime('2026-11-20'), 1_795_132_800);
  t.equal(parseTime('86400'), 86_400);
});
