#!/usr/bin/env node
// Builds the native tools (tooltune-train, llama-quantize, llama-export-lora, llama-finetune, llama-server) from the llama.cpp
// source that ships inside node-llama-cpp, with our patches, into resources/bin/<platform>-<arch>[-cuda]/.
//
//   node scripts/build-native.mjs [--force] [--verbose]
//
// Environment:
//   TOOLTUNE_CUDA=1|0         force a CUDA build on / off (default: on only when `nvidia-smi` answers)
//   TOOLTUNE_CMAKE_ARGS="..." extra CMake arguments, e.g. "-DGGML_METAL=ON" or "-DGGML_VULKAN=ON"
//   TOOLTUNE_JOBS=N           parallel build jobs (default: number of CPUs)
//   TOOLTUNE_NATIVE_CACHE=DIR cache directory (default: $XDG_CACHE_HOME/tooltune/native, else
//                             ~/.cache/tooltune/native: shared by every checkout, so a fresh clone
//                             reuses a build made from the same inputs)
//
// Everything is offline: the source is `git clone`d from node_modules/node-llama-cpp/llama/gitRelease.bundle.
// Cache key = sha256(bundle, patches, native sources, flags); the output directory holds a stamp with it, so a
// second run with the same inputs only hashes and prints "up to date".
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exeSuffix, nativeBinDir, nativeTools, repoRoot } from './native-paths.mjs';

const started = Date.now();
const argv = new Set(process.argv.slice(2));
const force = argv.has('--force');
const verbose = argv.has('--verbose');

const log = (msg) => process.stdout.write(`[build-native] ${msg}\n`);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const fail = (msg) => {
  process.stderr.write(`[build-native] error: ${msg}\n`);
  process.exit(1);
};

const bundle = path.join(repoRoot, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle');
const nativeDir = path.join(repoRoot, 'native');
const patchesDir = path.join(nativeDir, 'patches');
const userCache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
const cacheDir = path.resolve(repoRoot, process.env.TOOLTUNE_NATIVE_CACHE ?? path.join(userCache, 'tooltune', 'native'));

if (!existsSync(bundle)) fail(`${bundle} not found: run npm install first (node-llama-cpp ships the llama.cpp source)`);

// ---- inputs and cache key -------------------------------------------------------------------------------------

function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function detectCuda() {
  const env = process.env.TOOLTUNE_CUDA;
  if (env === '1' || env === 'true') return { cuda: true, why: 'TOOLTUNE_CUDA=1' };
  if (env === '0' || env === 'false') return { cuda: false, why: 'TOOLTUNE_CUDA=0' };
  // a bare nvcc is not enough (CI machines have one without a GPU): ask the driver
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0 && /GPU \d+:/.test(r.stdout)) return { cuda: true, why: `nvidia-smi: ${r.stdout.trim().split('\n')[0]}` };
  return { cuda: false, why: 'no NVIDIA driver answered (nvidia-smi); set TOOLTUNE_CUDA=1 to force' };
}

const { cuda, why: cudaWhy } = detectCuda();
const extraArgs = (process.env.TOOLTUNE_CMAKE_ARGS ?? '').split(/\s+/).filter(Boolean);

// CPU flags: portable x86-64 build with AVX2/FMA/F16C (any x86 CPU since ~2013), not -march=native, so the
// binaries run on the machines they are copied to. arm64 uses ggml's baseline (NEON).
const cpuArgs = ['-DGGML_NATIVE=OFF'];
if (process.arch === 'x64') cpuArgs.push('-DGGML_AVX=ON', '-DGGML_AVX2=ON', '-DGGML_FMA=ON', '-DGGML_F16C=ON', '-DGGML_BMI2=ON');

const cmakeArgs = [
  '-DCMAKE_BUILD_TYPE=Release',
  // Shared libraries with run-time backends: the trainer loads our CPU backend or a prebuilt GPU backend of
  // node-llama-cpp beside our patched core (see native/README.md, "Backends").
  '-DBUILD_SHARED_LIBS=ON',
  '-DGGML_BACKEND_DL=ON',
  // ggml's own thread pool instead of OpenMP: no libgomp runtime dependency in the shipped binaries
  '-DGGML_OPENMP=OFF',
  '-DGGML_CCACHE=OFF',
  ...cpuArgs,
  ...(cuda ? ['-DGGML_CUDA=ON'] : []),
  ...extraArgs,
];

const patchFiles = existsSync(patchesDir) ? readdirSync(patchesDir).filter((f) => f.endsWith('.patch')).sort() : [];
const nativeSources = listFiles(nativeDir).filter((f) => !f.startsWith(patchesDir) && /(\.(c|cc|cpp|h|hpp|cmake)|CMakeLists\.txt)$/.test(f));

const bundleHash = sha256File(bundle);
const patchHash = createHash('sha256');
for (const p of patchFiles) patchHash.update(p).update(readFileSync(path.join(patchesDir, p)));
const srcKey = createHash('sha256').update(bundleHash).update(patchHash.digest('hex')).digest('hex').slice(0, 16);

const key = createHash('sha256');
key.update(`bundle ${bundleHash}\n`).update(`src ${srcKey}\n`);
for (const f of nativeSources) key.update(`file ${path.relative(nativeDir, f)}\n`).update(readFileSync(f));
key.update(`args ${JSON.stringify(cmakeArgs)} ${process.platform} ${process.arch}\n`);
const buildKey = key.digest('hex');

const outDir = nativeBinDir({ cuda });
const stampFile = path.join(outDir, '.build-stamp.json');
const expected = nativeTools.map((t) => path.join(outDir, t + exeSuffix));

if (!force && existsSync(stampFile)) {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
    if (stamp.key === buildKey && expected.every((f) => existsSync(f))) {
      log(`up to date: ${path.relative(repoRoot, outDir)} (${elapsed()})`);
      process.exit(0);
    }
  } catch {
    // rebuild
  }
}

log(`building ${nativeTools.join(', ')} for ${process.platform}-${process.arch}${cuda ? ' with CUDA' : ' (CPU)'}; CUDA: ${cudaWhy}`);

// ---- run a command with condensed output ----------------------------------------------------------------------

function run(cmd, args, { cwd, label }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    let lastPct = -1;
    let buf = '';
    const onData = (chunk) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        tail.push(line);
        if (tail.length > 80) tail.shift();
        if (verbose) {
          process.stdout.write(`  ${line}\n`);
          continue;
        }
        // ninja "[12/139] Building ..." or make "[ 12%] Building ..."
        const m = /^\[\s*(\d+)\/(\d+)\]/.exec(line) ?? /^\[\s*(\d+)%\]/.exec(line);
        if (m) {
          const pct = m[2] ? Math.floor((100 * Number(m[1])) / Number(m[2])) : Number(m[1]);
          if (pct >= lastPct + 10 || pct === 100) {
            lastPct = pct;
            process.stdout.write(`  ${label} ${String(pct).padStart(3)}%  ${line.replace(/^\[[^\]]*\]\s*/, '').slice(0, 100)} (${elapsed()})\n`);
          }
        } else if (/\b(error|warning: unused|CMake Error|CMake Warning)\b/i.test(line) && !/-Werror|error\.(c|h)/.test(line)) {
          process.stdout.write(`  ${line.slice(0, 200)}\n`);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${label} failed (exit ${code}); last output:\n${tail.join('\n')}`));
    });
  });
}

function which(cmd) {
  const r = spawnSync(process.platform === 'win32' ? 'where' : 'which', [cmd], { encoding: 'utf8' });
  return r.status === 0;
}

// ---- 1. source: clone the bundle, apply patches -------------------------------------------------------------

const srcDir = path.join(cacheDir, `src-${srcKey}`);
const srcStamp = path.join(srcDir, '.tooltune-patched');

async function prepareSource() {
  if (existsSync(srcStamp)) {
    log(`source: ${path.relative(repoRoot, srcDir)} (cached, ${patchFiles.length} patches applied)`);
    return;
  }
  if (!which('git')) fail('git is required to unpack the llama.cpp source bundle');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${srcDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  log(`source: cloning ${path.relative(repoRoot, bundle)} (offline)`);
  // autocrlf off: the patches are LF and must apply on Windows checkouts too
  await run('git', ['-c', 'core.autocrlf=false', 'clone', '--quiet', '--no-hardlinks', bundle, tmp], { cwd: cacheDir, label: 'clone' });
  for (const p of patchFiles) {
    log(`source: applying patches/${p}`);
    await run('git', ['apply', '--whitespace=nowarn', path.join(patchesDir, p)], { cwd: tmp, label: `patch ${p}` });
  }
  writeFileSync(path.join(tmp, '.tooltune-patched'), `${patchFiles.join('\n')}\n`);
  rmSync(srcDir, { recursive: true, force: true });
  renameSync(tmp, srcDir);
  // drop source trees of older bundles/patch sets
  for (const entry of readdirSync(cacheDir)) {
    if (entry.startsWith('src-') && entry !== path.basename(srcDir)) {
      rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
    }
  }
}

// ---- 2. configure and build -----------------------------------------------------------------------------------

const buildDir = path.join(cacheDir, `build-${process.platform}-${process.arch}${cuda ? '-cuda' : ''}`);
// CMake ties a build dir to its source dir. Configuring from a copy of native/ inside the cache keeps the
// build dir reusable by every checkout (a fresh CI clone included) instead of binding it to one path.
const projectDir = path.join(cacheDir, 'project');

function syncProjectSources() {
  for (const file of nativeSources) {
    const target = path.join(projectDir, path.relative(nativeDir, file));
    const content = readFileSync(file);
    // Unchanged files keep their mtime, so the build stays incremental.
    if (existsSync(target) && readFileSync(target).equals(content)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

async function configureAndBuild() {
  if (!which('cmake')) fail('cmake is required (apt install cmake / brew install cmake / winget install Kitware.CMake)');
  const ninja = which('ninja');
  const cacheFile = path.join(buildDir, 'CMakeCache.txt');
  // a build dir configured with another generator or source tree cannot be reused
  if (existsSync(cacheFile)) {
    const cache = readFileSync(cacheFile, 'utf8');
    const gen = /CMAKE_GENERATOR:INTERNAL=(.*)/.exec(cache)?.[1];
    const src = /LLAMA_SRC_DIR:PATH=(.*)/.exec(cache)?.[1];
    const home = /CMAKE_HOME_DIRECTORY:INTERNAL=(.*)/.exec(cache)?.[1];
    const otherSource = (src && path.resolve(src) !== path.resolve(srcDir)) || (home && path.resolve(home) !== path.resolve(projectDir));
    if ((ninja && gen !== 'Ninja') || (!ninja && gen === 'Ninja') || otherSource) {
      rmSync(buildDir, { recursive: true, force: true });
    }
  }
  mkdirSync(buildDir, { recursive: true });
  syncProjectSources();
  log(`configure: cmake ${cmakeArgs.join(' ')}`);
  await run(
    'cmake',
    ['-S', projectDir, '-B', buildDir, ...(ninja ? ['-G', 'Ninja'] : []), `-DLLAMA_SRC_DIR=${srcDir}`, ...cmakeArgs],
    { cwd: repoRoot, label: 'configure' },
  );
  const jobs = Number(process.env.TOOLTUNE_JOBS) || os.availableParallelism?.() || os.cpus().length || 2;
  log(`build: ${nativeTools.length} targets with ${jobs} jobs${ninja ? ' (ninja)' : ''}`);
  await run('cmake', ['--build', buildDir, '--config', 'Release', '-j', String(jobs), '--target', ...nativeTools], {
    cwd: repoRoot,
    label: 'build',
  });
}

// ---- 3. install into resources/bin ----------------------------------------------------------------------------

function findBuilt(name) {
  for (const dir of [path.join(buildDir, 'bin'), path.join(buildDir, 'bin', 'Release'), path.join(buildDir, 'Release')]) {
    const p = path.join(dir, name + exeSuffix);
    if (existsSync(p)) return p;
  }
  return null;
}

function install() {
  mkdirSync(outDir, { recursive: true });
  rmSync(stampFile, { force: true });
  for (const tool of nativeTools) {
    const from = findBuilt(tool);
    if (!from) fail(`built ${tool} not found under ${buildDir}`);
    const to = path.join(outDir, tool + exeSuffix);
    const tmp = `${to}.tmp-${process.pid}`;
    copyFileSync(from, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, to);
  }
  // the shared libraries: our patched core and our backends
  for (const dir of [path.join(buildDir, 'bin'), path.join(buildDir, 'bin', 'Release')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (/\.(so(\.\d+)*|dylib|dll)$/.test(f) && statSync(path.join(dir, f)).isFile()) copyFileSync(path.join(dir, f), path.join(outDir, f));
    }
  }
  // smoke test: the trainer starts and prints its usage
  const r = spawnSync(path.join(outDir, `tooltune-train${exeSuffix}`), ['--help'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) fail(`tooltune-train --help exited with ${r.status}: ${r.stderr}`);
  const stamp = {
    key: buildKey,
    bundleSha256: bundleHash,
    patches: patchFiles,
    cmakeArgs,
    cuda,
    tools: nativeTools,
    builtAt: new Date().toISOString(),
    buildSeconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
}

try {
  await prepareSource();
  await configureAndBuild();
  install();
  log(`done: ${path.relative(repoRoot, outDir)} in ${elapsed()}`);
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
