import type { TeacherSettings } from '../../../shared/contract';
import { EndpointTeacher } from './endpointTeacher';
import { LocalGgufTeacher } from './localGgufTeacher';
import type { Teacher } from './teacher';

/** The teacher the user configured; throws a fatal `TeacherError` when it cannot be set up. */
export async function openTeacher(settings: TeacherSettings): Promise<Teacher> {
  if (settings.kind === 'local') {
    const { modelPath, contextSize, sequences, temperature } = settings;
    return LocalGgufTeacher.load({ modelPath, contextSize, sequences, temperature });
  }
  const { baseUrl, model, apiKey, concurrency, temperature, timeoutMs } = settings;
  return new EndpointTeacher({ baseUrl, model, apiKey, concurrency, temperature, timeoutMs });
}
