import type { RunDetail } from '../../../shared/contract';
import { useT } from '../../i18n/I18nProvider';
import { formatLoss } from './format';

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 44, right: 12, top: 10, bottom: 24 };

type Point = { step: number; value: number };

function pointsOf(curve: RunDetail['curve'], pick: (p: RunDetail['curve'][number]) => number | null): Point[] {
  return curve.flatMap((p) => {
    const value = pick(p);
    return value === null || !Number.isFinite(value) ? [] : [{ step: p.step, value }];
  });
}

/** Train loss per step as a line, validation loss where it ran as dots on a second line. */
export function LossChart({ curve, totalSteps }: { curve: RunDetail['curve']; totalSteps: number }) {
  const t = useT();
  const train = pointsOf(curve, (p) => p.loss);
  const val = pointsOf(curve, (p) => p.valLoss);
  const all = [...train, ...val];
  if (all.length === 0) return <p className="hint">{t('train.chart.empty')}</p>;
  const maxStep = Math.max(totalSteps, ...all.map((p) => p.step), 1);
  const lo = Math.min(...all.map((p) => p.value));
  const hi = Math.max(...all.map((p) => p.value));
  const span = hi - lo || 1;
  const x = (step: number) => PAD.left + (step / maxStep) * (WIDTH - PAD.left - PAD.right);
  const y = (value: number) => PAD.top + ((hi - value) / span) * (HEIGHT - PAD.top - PAD.bottom);
  const line = (points: Point[]) => points.map((p) => `${x(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const first = train[0];
  const last = train.at(-1);
  const summary = t('train.chart.summary', {
    from: formatLoss(first?.value ?? null),
    to: formatLoss(last?.value ?? null),
    steps: last?.step ?? 0,
    val: formatLoss(val.at(-1)?.value ?? null),
  });
  return (
    <figure className="loss-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} data-points={train.length}>
        <line x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} className="axis" />
        <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} className="axis" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" className="tick">{hi.toFixed(2)}</text>
        <text x={PAD.left - 4} y={HEIGHT - PAD.bottom} textAnchor="end" className="tick">{lo.toFixed(2)}</text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end" className="tick">{maxStep}</text>
        <polyline points={line(train)} className="train-line" fill="none" />
        {val.length > 1 && <polyline points={line(val)} className="val-line" fill="none" />}
        {val.map((p) => (
          <circle key={p.step} cx={x(p.step)} cy={y(p.value)} r={3} className="val-dot" />
        ))}
      </svg>
      <figcaption className="hint">
        <span className="legend-train">{t('train.chart.train')}</span> <span className="legend-val">{t('train.chart.val')}</span> — {summary}
      </figcaption>
    </figure>
  );
}
