import { describe, expect, it } from 'vitest';
import { deviceOf, prebuiltBackendDir, prebuiltPackages, trainerBackendDirs } from './trainerBackends';
import { trainerArgs, withBackendDirs } from './trainerProcess';

describe('trainer backends', () => {
  it('looks in the trainer folder first, then in the prebuilt folders node-llama-cpp installed', () => {
    const dirs = trainerBackendDirs('/opt/tooltune/bin');
    expect(dirs[0]).toBe('/opt/tooltune/bin');
    const installed = prebuiltPackages().map(prebuiltBackendDir).filter((dir) => dir !== null);
    expect(dirs.slice(1)).toEqual(installed);
    // the CPU package of this platform is a dependency of node-llama-cpp: always there
    expect(prebuiltBackendDir(prebuiltPackages().at(-1) ?? '')).toMatch(/bins/);
    expect(prebuiltBackendDir('no-such-package')).toBeNull();
  });

  it('passes the backend and its folders to the trainer, unless the options name their own', () => {
    const options = { model: 'm.gguf', data: 'd.ttds', out: 'a.gguf', backend: 'cpu' as const };
    const args = trainerArgs(withBackendDirs(options, '/bin/tt'));
    expect(args.slice(args.indexOf('--backend'), args.indexOf('--backend') + 4)).toEqual(['--backend', 'cpu', '--backend-dir', '/bin/tt']);
    expect(trainerArgs(withBackendDirs({ ...options, backendDirs: ['/only/here'] }, '/bin/tt')).filter((a) => a.startsWith('/'))).toEqual(['/only/here']);
  });

  it("reads the device from the trainer's line, an empty fallback as none", () => {
    const line = { type: 'device', backend: 'CUDA', device: 'CUDA0', device_description: 'NVIDIA GeForce RTX 4090', device_memory: 25_757_220_864, device_fallback: '' };
    expect(deviceOf(line)).toEqual({ backend: 'CUDA', name: 'CUDA0', description: 'NVIDIA GeForce RTX 4090', memoryBytes: 25_757_220_864, fallback: null });
    expect(deviceOf({ device_memory: -1, device_fallback: 'cuda: libcublas.so.13 missing' })).toMatchObject({ backend: '', memoryBytes: 0, fallback: 'cuda: libcublas.so.13 missing' });
  });
});
