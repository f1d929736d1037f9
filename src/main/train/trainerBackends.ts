/**
 * Where tooltune-train finds its compute backends. Our build ships the patched core (libggml-base, libllama) and our
 * CPU backend beside the trainer; node-llama-cpp installs prebuilt backends built from the same llama.cpp source
 * (CUDA 13, CUDA 12 in `-cuda-ext`, Vulkan, Metal, the CPU variants). The trainer loads the one it needs at run time,
 * so a GPU trains with nothing compiled on the user's machine.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { TrainBackend, TrainingDevice } from '../../shared/contract/train';

const require = createRequire(import.meta.url);

/** node-llama-cpp's prebuilt packages for this platform, in the order `--backend auto` tries their GPU backends. */
export function prebuiltPackages(): string[] {
  const arch = process.arch;
  switch (process.platform) {
    case 'linux':
      return [`linux-${arch}-cuda`, `linux-${arch}-cuda-ext`, `linux-${arch}-vulkan`, `linux-${arch}`];
    case 'win32':
      return [`win-${arch}-cuda`, `win-${arch}-cuda-ext`, `win-${arch}-vulkan`, `win-${arch}`];
    case 'darwin':
      return arch === 'arm64' ? ['mac-arm64-metal'] : ['mac-x64'];
    default:
      return [];
  }
}

/** The folder of a prebuilt package's libraries, when it is installed. */
export function prebuiltBackendDir(name: string): string | null {
  try {
    // the package exports only its entry (dist/index.js), whose `getBinsDir` is ../bins
    const dir = path.join(path.dirname(require.resolve(`@node-llama-cpp/${name}`)), '..', 'bins', name);
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/** The trainer's `--backend-dir`s: its own folder first (our CPU backend, or our own GPU build), then the prebuilt ones. */
export function trainerBackendDirs(binDir: string): string[] {
  const prebuilt = prebuiltPackages().map(prebuiltBackendDir).filter((dir): dir is string => dir !== null);
  return [binDir, ...prebuilt];
}

/** Asks the trainer which device a run with `backend` would train on (its `--print-device` line). */
export function probeTrainingDevice(trainer: string, backend: TrainBackend, dirs: readonly string[]): Promise<TrainingDevice> {
  const args = ['--print-device', '--backend', backend, ...dirs.flatMap((dir) => ['--backend-dir', dir])];
  return new Promise((resolve, reject) => {
    execFile(trainer, args, { timeout: 60_000, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((text) => text.startsWith('{"type":"device"'));
      if (error || !line) return reject(new Error(`tooltune-train --print-device failed: ${(stderr || String(error)).trim().split('\n').slice(-2).join(' ')}`));
      resolve(deviceOf(JSON.parse(line) as Record<string, unknown>));
    });
  });
}

/** The device fields of a trainer line (`device` or `start`). */
export function deviceOf(event: Record<string, unknown>): TrainingDevice {
  const text = (key: string) => (typeof event[key] === 'string' ? (event[key] as string) : '');
  const memory = event['device_memory'];
  return {
    backend: text('backend'),
    name: text('device'),
    description: text('device_description'),
    memoryBytes: typeof memory === 'number' && Number.isFinite(memory) && memory > 0 ? memory : 0,
    fallback: text('device_fallback') || null,
  };
}
