import { useId } from 'react';

export interface Bar {
  key: string;
  label: string;
  count: number;
}

const ROW = 22;
const LABEL_WIDTH = 150;
const COUNT_WIDTH = 96;
const WIDTH = 420;

/**
 * A small horizontal bar chart drawn as SVG (no chart library): one labelled bar per entry,
 * scaled to the largest. The counts are also in the accessible table the SVG describes.
 */
export function BarChart({ title, bars, tone = 'accent' }: { title: string; bars: readonly Bar[]; tone?: 'accent' | 'danger' }) {
  const titleId = useId();
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const sum = bars.reduce((total, bar) => total + bar.count, 0);
  const plot = WIDTH - LABEL_WIDTH - COUNT_WIDTH;
  const height = Math.max(1, bars.length) * ROW;
  return (
    <figure className="bar-chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>{title}</figcaption>
      {bars.length === 0 ? (
        <p className="hint">—</p>
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={titleId}>
          {bars.map((bar, index) => {
            const y = index * ROW;
            const width = Math.max(bar.count > 0 ? 2 : 0, (bar.count / max) * plot);
            return (
              <g key={bar.key} transform={`translate(0 ${y})`}>
                <title>{`${bar.label}: ${bar.count}`}</title>
                <text x={LABEL_WIDTH - 8} y={ROW / 2} dominantBaseline="central" textAnchor="end" className="bar-label">
                  {bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label}
                </text>
                <rect x={LABEL_WIDTH} y={4} width={width} height={ROW - 8} rx={2} className={`bar bar-${tone}`} />
                <text x={LABEL_WIDTH + width + 6} y={ROW / 2} dominantBaseline="central" className="bar-count">
                  {bar.count}
                  {sum > 0 ? ` · ${Math.round((bar.count / sum) * 100)}%` : ''}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
