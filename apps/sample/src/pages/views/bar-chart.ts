import { html, type Html } from '../html';

export interface BarChart {
  testId: string;
  title: string;
  /** What the numbers count, for the chart's description. */
  unit: string;
  bars: { label: string; value: number }[];
}

const WIDTH = 480;
const HEIGHT = 240;
const PAD = { top: 24, right: 12, bottom: 36, left: 36 };

/**
 * A bar chart drawn on the server as SVG: no script, readable by screen readers through its
 * title and description, each bar carrying its label and value as data attributes.
 */
export function barChart({ testId, title, unit, bars }: BarChart): Html {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.6);
  const id = `${testId}-title`;
  const description = bars.map((bar) => `${bar.label}: ${bar.value}`).join(', ');
  return html`<figure class="card">
    <figcaption id="${id}">${title}</figcaption>
    <svg
      class="chart"
      data-testid="${testId}"
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      role="img"
      aria-labelledby="${id} ${testId}-desc"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title>${title}</title>
      <desc id="${testId}-desc">${unit}: ${description}</desc>
      <line
        class="axis"
        x1="${PAD.left}"
        y1="${PAD.top + plotHeight}"
        x2="${WIDTH - PAD.right}"
        y2="${PAD.top + plotHeight}"
      />
      <text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${max}</text>
      <text x="${PAD.left - 6}" y="${PAD.top + plotHeight}" text-anchor="end">0</text>
      ${bars.map((bar, index) => {
        const height = (bar.value / max) * plotHeight;
        const x = PAD.left + index * slot + (slot - barWidth) / 2;
        const y = PAD.top + plotHeight - height;
        return html`<g>
          <rect
            class="bar"
            data-label="${bar.label}"
            data-value="${bar.value}"
            x="${round(x)}"
            y="${round(y)}"
            width="${round(barWidth)}"
            height="${round(height)}"
            rx="3"
            ><title>${bar.label}: ${bar.value}</title></rect
          >
          <text
            class="value"
            x="${round(x + barWidth / 2)}"
            y="${round(y - 5)}"
            text-anchor="middle"
            >${bar.value}</text
          >
          <text x="${round(x + barWidth / 2)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle"
            >${bar.label}</text
          >
        </g>`;
      })}
    </svg>
  </figure>`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
