import type { TrainingDevice } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';

/** A training device as the trainer names it, with the reason a GPU backend was passed over. */
export function TrainingDeviceText({ device }: { device: TrainingDevice }) {
  const t = useT();
  return (
    <>
      {t('train.hardware.deviceIs', { backend: device.backend, description: device.description || device.name })}
      {device.fallback && <span className="hint"> {t('train.hardware.deviceFallback', { reason: device.fallback })}</span>}
    </>
  );
}
