/**
 * scripts/analysis.ipynb, executed headless (jupyter nbconvert --execute) on a run this test makes with the built CLI
 * (`bench` on the embedded emulator, a tiny sweep): it loads the CSVs typed, recomputes a summary cell from
 * invocations.csv and asserts it equals summary.csv, and plots Duration vs vCPU share. Any failed assertion in the
 * notebook fails nbconvert, and so this test.
 *
 * It runs on Debian's own interpreter, /usr/bin/python3 (a pyenv or venv `python3` first on PATH has no Debian
 * packages), through a kernel spec written here that names that interpreter, with Jupyter's and matplotlib's
 * directories in the test's temporary directory. Without the packages (scripts/test-setup.sh installs them) it skips.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { memoryForVcpus } from '../../harness/lambda/platform.js';
import { REPO_ROOT } from '../../harness/paths.js';
import { runCli } from '../support/cli.js';

const PYTHON = '/usr/bin/python3';
const NOTEBOOK = path.join(REPO_ROOT, 'scripts', 'analysis.ipynb');
const KERNEL = 'vcpu-bench-debian-python3';
const NEEDS = 'Debian packages python3-pandas, python3-matplotlib, jupyter-nbconvert and python3-ipykernel';

const root = mkdtempSync(path.join(os.tmpdir(), 'vcpu-bench-notebook-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** The environment the notebook runs in: Debian's Python, nothing of the user's Jupyter or matplotlib set-up. */
function notebookEnv(runDir: string): NodeJS.ProcessEnv {
  const jupyter = path.join(root, 'jupyter');
  const kernelDir = path.join(jupyter, 'data', 'kernels', KERNEL);
  mkdirSync(kernelDir, { recursive: true });
  writeFileSync(
    path.join(kernelDir, 'kernel.json'),
    JSON.stringify({
      argv: [PYTHON, '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
      display_name: "Debian's Python 3",
      language: 'python',
    }),
  );
  const { PYTHONPATH: _path, PYTHONHOME: _home, VIRTUAL_ENV: _venv, ...env } = process.env;
  return {
    ...env,
    VCPU_BENCH_RUN_DIR: runDir,
    JUPYTER_PATH: path.join(jupyter, 'data'),
    JUPYTER_DATA_DIR: path.join(jupyter, 'data'),
    JUPYTER_CONFIG_DIR: path.join(jupyter, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(jupyter, 'runtime'),
    IPYTHONDIR: path.join(jupyter, 'ipython'),
    MPLCONFIGDIR: path.join(root, 'matplotlib'),
    MPLBACKEND: 'module://matplotlib_inline.backend_inline',
  };
}

/** Why the notebook cannot run here, or null when it can. */
function missingPackages(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import pandas, matplotlib, matplotlib_inline, nbconvert, ipykernel'], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined) return `${PYTHON} cannot be run (${probe.error.message}); the notebook needs ${NEEDS}`;
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n').at(-1) ?? 'an import failed';
    return `${reason}: the notebook needs ${NEEDS} (scripts/test-setup.sh installs them as root)`;
  }
  return null;
}

interface NotebookOutput {
  output_type: string;
  text?: string[] | string;
  data?: Record<string, unknown>;
  ename?: string;
}

test('analysis.ipynb runs headless on a fresh run: typed CSVs, a summary cell recomputed and equal, a plot', async (t) => {
  const missing = missingPackages();
  if (missing !== null) {
    t.skip(missing);
    return;
  }
  // Six warm repetitions, so the cells have a 95% interval of the median to recompute.
  const bench = await runCli([
    'bench',
    '--memory',
    [memoryForVcpus(0.5), memoryForVcpus(1)].join(','),
    '--modes',
    'sequential,worker_threads',
    '--workers',
    '1,2',
    '--algorithm',
    'bcrypt',
    '--cost',
    '4',
    '--items',
    '2',
    '--min-reps',
    '6',
    '--max-reps',
    '6',
    '--out',
    root,
    '--run-id',
    'notebook',
  ]);
  assert.equal(bench.code, 0, bench.stderr);
  const runDir = path.join(root, 'notebook');

  const executed = path.join(root, 'executed.ipynb');
  const result = spawnSync(
    PYTHON,
    [
      '-m',
      'nbconvert',
      '--to',
      'notebook',
      '--execute',
      `--ExecutePreprocessor.kernel_name=${KERNEL}`,
      '--ExecutePreprocessor.timeout=120',
      '--output',
      executed,
      NOTEBOOK,
    ],
    { cwd: root, env: notebookEnv(runDir), encoding: 'utf8' },
  );
  assert.equal(result.status, 0, `nbconvert failed:\n${result.stderr.slice(-4000)}`);

  const notebook = JSON.parse(readFileSync(executed, 'utf8')) as {
    cells: Array<{ cell_type: string; outputs?: NotebookOutput[] }>;
  };
  const outputs = notebook.cells.flatMap((cell) => cell.outputs ?? []);
  assert.deepEqual(
    outputs.filter((o) => o.output_type === 'error').map((o) => o.ename),
    [],
  );
  const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))).join('');
  assert.match(text, new RegExp(`run directory: ${runDir.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(text, /summary\.csv agrees with invocations\.csv for this cell/);
  assert.match(text, /cell: \{'arch': 'x86_64', 'memory_mb': \d+, 'mode': 'worker_threads'/);
  assert.ok(
    outputs.some((o) => o.data !== undefined && typeof o.data['image/png'] === 'string'),
    'the plot is in the executed notebook',
  );
});
