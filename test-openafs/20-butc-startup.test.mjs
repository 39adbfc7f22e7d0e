// `tapecoord butc` and the real butc 1.8.9, given the same tapeconfig and CFG files in the cell:
// the same stdout (up to and including the `Starting Tape Coordinator` lines), the same exit status
// when it refuses to start, and the same log file names.
import t from 'tap';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, inCell, tapecoord, withTapeconfig } from './lib/cell.mjs';

const PORT = 9;
const backupDir = env.AFSLAB_BACKUP_DIR;
const logFiles = () => readdirSync(backupDir).filter((f) => /^T[LE]_/.test(f)).sort();

const cleanLogs = () => logFiles().forEach((f) => rmSync(join(backupDir, f)));

/** The real butc, then tapecoord (each stopped after 4 s if it started), each with fresh logs. */
function both(args) {
  cleanLogs();
  const real = inCell(['timeout', '4', 'stdbuf', '-oL', '/usr/sbin/butc', ...args], { timeout: 20_000 });
  const realLogs = logFiles();
  cleanLogs();
  const ours = inCell(['timeout', '4', tapecoord, 'butc', ...args], { timeout: 60_000 });
  return { real, ours, realLogs, ourLogs: logFiles() };
}

const cases = [
  { name: 'FILE mode with every common keyword, CFG_<port>', tapeconfig: `100M 0 ${env.AFSLAB_MEDIA_DIR}/st9 ${PORT}\n`, cfg: { [`CFG_${PORT}`]: 'FILE YES\nASK NO\nAUTOQUERY NO\nNAME_CHECK NO\nBUFFERSIZE 48k\nMAXPASS 3\nSTATUS 10\nLASTLOG YES\n' }, args: ['-port', String(PORT), '-localauth'] },
  { name: 'CFG named after the mangled device', tapeconfig: `2G 1K ${env.AFSLAB_MEDIA_DIR}/dev9 ${PORT}\n`, cfg: { [`CFG_${env.AFSLAB_MEDIA_DIR.replaceAll('/', '_').slice(1)}_dev9`]: 'FILE YES\nMOUNT /bin/true\nUNMOUNT /bin/true\nBOGUS line\n' }, args: ['-p', String(PORT), '-l'] },
  { name: 'neither -localauth nor -allow_unauthenticated', tapeconfig: `100M 0 ${env.AFSLAB_MEDIA_DIR}/st9 ${PORT}\n`, cfg: { [`CFG_${PORT}`]: 'FILE YES\n' }, args: ['-port', String(PORT)] },
  { name: 'a comment line in tapeconfig', tapeconfig: `# a comment\n100M 0 ${env.AFSLAB_MEDIA_DIR}/st9 ${PORT}\n`, cfg: {}, args: ['-port', String(PORT), '-localauth'] },
  { name: 'a bad BUFFERSIZE and an XBSA keyword', tapeconfig: `100M 0 ${env.AFSLAB_MEDIA_DIR}/st9 ${PORT}\n`, cfg: { [`CFG_${PORT}`]: 'FILE YES\nBUFFERSIZE lots\nTYPE tsm\n' }, args: ['-port', String(PORT), '-localauth'] },
  { name: 'an illegal port offset', tapeconfig: '', cfg: {}, args: ['-port', '9x', '-localauth'] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const restore = withTapeconfig(c.tapeconfig);
    const cfgFiles = Object.keys(c.cfg).map((f) => join(backupDir, f));
    try {
      for (const [f, text] of Object.entries(c.cfg)) writeFileSync(join(backupDir, f), text);
      const { real, ours, realLogs, ourLogs } = both(c.args);
      const started = real.status === 124; // still running when timeout stopped it: it started
      t.equal(ours.stdout, real.stdout, 'the same stdout');
      t.equal(ours.status, real.status, started ? 'both serve until timeout stops them' : 'the same exit status');
      t.same(ourLogs, realLogs, `the same log files (${realLogs.join(' ') || 'none'})`);
    } finally {
      restore();
      cleanLogs();
      for (const f of cfgFiles) rmSync(f, { force: true });
    }
  });
}
