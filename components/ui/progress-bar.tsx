/**
 * A thin bar drawn with <progress> rather than an inline `style` width, so it survives a strict
 * Content-Security-Policy (style attributes are blocked without 'unsafe-inline').
 */
const FILL = {
  indigo: '[&::-webkit-progress-value]:bg-indigo-500 [&::-moz-progress-bar]:bg-indigo-500',
  green: '[&::-webkit-progress-value]:bg-emerald-500 [&::-moz-progress-bar]:bg-emerald-500',
  amber: '[&::-webkit-progress-value]:bg-amber-500 [&::-moz-progress-bar]:bg-amber-500',
  red: '[&::-webkit-progress-value]:bg-red-500 [&::-moz-progress-bar]:bg-red-500',
} as const;

export function ProgressBar({
  value,
  max = 1,
  color = 'indigo',
  className = 'h-2',
}: {
  value: number;
  max?: number;
  color?: keyof typeof FILL;
  className?: string;
}) {
  return (
    <progress
      aria-hidden="true"
      value={value}
      max={max}
      className={`block w-full appearance-none overflow-hidden rounded-full border-0 bg-zinc-200 dark:bg-zinc-800 [&::-webkit-progress-bar]:bg-zinc-200 dark:[&::-webkit-progress-bar]:bg-zinc-800 [&::-webkit-progress-value]:rounded-full [&::-moz-progress-bar]:rounded-full ${FILL[color]} ${className}`}
    />
  );
}
