import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TimeseriesPoint } from '@meshviz/shared';
import { formatLatency, formatPercent, formatRps } from '../format/format';

const clock = (t: number) =>
  new Date(t * 1000).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

interface SeriesDef {
  key: keyof TimeseriesPoint;
  name: string;
  colour: string;
}

function Chart({
  title,
  points,
  series,
  format,
  domain,
  height,
}: {
  title: string;
  points: TimeseriesPoint[];
  series: SeriesDef[];
  format: (v: number | null) => string;
  domain?: [number, number];
  height: number;
}) {
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={points} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e8ee" />
          <XAxis dataKey="t" tickFormatter={clock} minTickGap={40} fontSize={11} />
          <YAxis
            tickFormatter={(v: number) => format(v)}
            width={64}
            fontSize={11}
            domain={domain}
          />
          <Tooltip
            labelFormatter={(t) => clock(Number(t))}
            formatter={(v) => format(typeof v === 'number' ? v : null)}
          />
          {series.length > 1 && <Legend />}
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * Success rate, RPS and latency quantiles over the window. Gaps are
 * intervals without traffic, never drawn as zero.
 */
export function GoldenCharts({
  points,
  compact = false,
}: {
  points: TimeseriesPoint[];
  compact?: boolean;
}) {
  const height = compact ? 120 : 180;
  return (
    <div className={compact ? 'charts compact' : 'charts'}>
      <Chart
        title="Success rate"
        points={points}
        series={[{ key: 'successRate', name: 'success rate', colour: '#1f9d55' }]}
        format={formatPercent}
        domain={[0, 1]}
        height={height}
      />
      <Chart
        title="Requests per second"
        points={points}
        series={[{ key: 'rps', name: 'RPS', colour: '#2b6cb0' }]}
        format={formatRps}
        height={height}
      />
      <Chart
        title="Latency"
        points={points}
        series={[
          { key: 'p50', name: 'p50', colour: '#38a169' },
          { key: 'p95', name: 'p95', colour: '#d69e2e' },
          { key: 'p99', name: 'p99', colour: '#c53030' },
        ]}
        format={formatLatency}
        height={height}
      />
    </div>
  );
}
