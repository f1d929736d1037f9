import { useId } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useT } from '../../i18n/I18nProvider';
import { formatBytes } from './format';
import { useHardware } from './queries';
import { TrainingDeviceText } from './TrainingDeviceText';

/** What this machine offers for training, and which device the trainer will use. */
export function HardwarePanel() {
  const t = useT();
  const titleId = useId();
  const hardware = useHardware();
  const h = hardware.data;
  return (
    <section className="panel-card" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('train.hardware.title')}</h3>
      {h && (
        <dl className="facts">
          <dt>{t('train.hardware.cpu')}</dt>
          <dd>{t('train.hardware.threads', { threads: h.cpuThreads, trainer: h.trainerThreads })}</dd>
          <dt>{t('train.hardware.memory')}</dt>
          <dd>{t('train.hardware.memoryFree', { free: formatBytes(h.availableMemoryBytes), total: formatBytes(h.totalMemoryBytes) })}</dd>
          <dt>{t('train.hardware.gpu')}</dt>
          <dd>
            {h.gpuBackend === null
              ? t('train.hardware.noGpu')
              : `${h.gpus.join(', ') || h.gpuBackend} — ${t('train.hardware.memoryFree', { free: formatBytes(h.vramFreeBytes), total: formatBytes(h.vramTotalBytes) })}`}
          </dd>
          <dt>{t('train.hardware.device')}</dt>
          <dd>{h.trainingDevice === null ? t('train.hardware.deviceUnknown', { reason: h.trainingDeviceError ?? '' }) : <TrainingDeviceText device={h.trainingDevice} />}</dd>
        </dl>
      )}
      <ErrorMessage error={hardware.error} />
    </section>
  );
}
