// A tiny inline-SVG trend line for metric cards (no chart library). null values break the line.

interface SparklineProps {
  values: (number | null)[];
  color: string;
  label: string;
  height?: number;
}

/** Splits values into runs of consecutive numbers; each run becomes one polyline. */
export function sparklineSegments(values: (number | null)[], width: number, height: number): string[] {
  const numbers = values.filter((v): v is number => v !== null);
  if (numbers.length === 0) return [];
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((value, idx) => {
    if (value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const x = values.length > 1 ? idx * step : width / 2;
    const y = height - 2 - ((value - min) / span) * (height - 4);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  return segments;
}

export function Sparkline({ values, color, label, height = 36 }: SparklineProps) {
  const width = 200;
  const segments = sparklineSegments(values, width, height);
  if (segments.length === 0) return null;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      className="h-9 w-full overflow-visible"
    >
      {segments.map((points) =>
        points.includes(' ') ? (
          <polyline
            key={points}
            points={points}
            fill="none"
            stroke={color}
            strokeWidth={1.75}
            strokeLinejoin="round"
            strokeLinecap="round"
            vectorEffect="non-scaling-stroke"
          />
        ) : (
          <circle key={points} cx={points.split(',')[0]} cy={points.split(',')[1]} r={1.5} fill={color} />
        ),
      )}
    </svg>
  );
}
