import { PORTS } from '@/lib/probe/schema';
import { portLegend } from '@/lib/report/port-legend';

/** The column headers shared by the live table and the final port table: "Server", then each port. */
export function PortColumnsRow({ cellClassName = '' }: { cellClassName?: string }) {
  return (
    <tr role="row" className="border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-950/40">
      <th scope="col" role="columnheader" className="w-48 px-3 py-2.5 text-left font-semibold lg:w-56">
        Server
      </th>
      {PORTS.map((port) => (
        <th key={port} scope="col" role="columnheader" className={`px-3 py-2.5 text-left ${cellClassName}`}>
          <span className="font-mono text-base font-semibold">{port}</span>{' '}
          <span className="font-medium text-zinc-700 dark:text-zinc-300">{portLegend(port).name}</span>
        </th>
      ))}
    </tr>
  );
}
